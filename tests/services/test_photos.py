"""Photo uploads: checked before decoding, decoded once, stored anew as two plain JPEGs."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from micboard.exceptions import ValidationError
from micboard.services.photos import PHOTO_SIZE, TILE_SIZE, PhotoLimits, photo_prepare
from tests.factories import image_bytes

LIMITS = PhotoLimits(max_bytes=1_000_000, max_pixels=4_000_000)


def refusal(data: bytes, limits: PhotoLimits = LIMITS) -> str:
    with pytest.raises(ValidationError) as caught:
        photo_prepare(data=data, limits=limits)
    return str(caught.value.details["photo"])


def opened(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_becomes_a_photo_and_a_square_tile(fmt: str) -> None:
    renditions = photo_prepare(data=image_bytes(fmt, (900, 1200)), limits=LIMITS)
    photo, tile = opened(renditions.photo), opened(renditions.tile)
    assert (photo.format, tile.format) == ("JPEG", "JPEG")
    assert photo.size == (PHOTO_SIZE * 900 // 1200, PHOTO_SIZE)
    assert tile.size == (TILE_SIZE, TILE_SIZE)


def test_a_small_photo_is_not_enlarged() -> None:
    renditions = photo_prepare(data=image_bytes("PNG", (100, 80)), limits=LIMITS)
    assert opened(renditions.photo).size == (100, 80)


def test_transparency_is_flattened_on_white() -> None:
    renditions = photo_prepare(data=image_bytes("PNG", (50, 50), "RGBA"), limits=LIMITS)
    red, green, blue = opened(renditions.photo).convert("RGB").getpixel((25, 25))  # type: ignore[misc]
    # Half of (200, 40, 40) over white: the colour lightened, not darkened towards black.
    assert red > 200
    assert green > 120
    assert blue > 120


def test_the_exif_orientation_is_applied_and_the_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: the picture is stored on its side
    exif[0x010F] = "Camera Maker"
    data = image_bytes("JPEG", (400, 300), exif=exif.tobytes())
    photo = opened(photo_prepare(data=data, limits=LIMITS).photo)
    assert photo.size == (300, 400)
    assert dict(photo.getexif()) == {}


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == "the file is empty"


def test_a_file_over_the_size_limit_is_refused_before_decoding() -> None:
    data = image_bytes("PNG", (100, 100))
    assert refusal(data, PhotoLimits(max_bytes=len(data) - 1)) == (
        f"the file is larger than the {len(data) - 1} bytes accepted"
    )


@pytest.mark.parametrize(
    "data",
    [b"hello, not an image", b"%PDF-1.7\n", image_bytes("GIF", (20, 20)), image_bytes("BMP")],
)
def test_anything_but_jpeg_png_or_webp_is_refused(data: bytes) -> None:
    assert refusal(data) == "not a JPEG, PNG or WebP image"


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height``: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_by_its_declared_size() -> None:
    data = png_declaring(5_000, 5_000)
    assert len(data) < 200
    assert refusal(data) == (
        "the image is 5000 x 5000 pixels, more than the 4000000 pixels accepted"
    )


def test_a_bomb_past_pillows_own_limit_is_refused_too() -> None:
    limits = PhotoLimits(max_pixels=10**12)
    assert refusal(png_declaring(100_000, 100_000), limits) == (
        "the image declares too many pixels to decode safely"
    )


def test_a_cut_short_image_is_refused() -> None:
    data = image_bytes("JPEG", (400, 400))
    assert refusal(data[: len(data) // 3]).startswith("the image is damaged or cut short")
