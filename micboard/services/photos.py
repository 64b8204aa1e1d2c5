"""Performer photos: an upload checked (type, size, decompression bombs) and re-encoded.

Nothing of the upload is kept as sent: the image is decoded once, turned upright by its
EXIF orientation, flattened to RGB and saved anew as two JPEGs without metadata, a photo
(at most ``PHOTO_SIZE`` pixels on its longer side) and the wall's square tile.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from micboard.exceptions import ValidationError

PHOTO_SIZE = 512
TILE_SIZE = 160
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    max_bytes: int = 5 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True, slots=True)
class PhotoRenditions:
    photo: bytes
    tile: bytes


def _refuse(problem: str) -> ValidationError:
    return ValidationError("invalid photo", details={"photo": problem})


def _jpeg(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _opened(data: bytes, limits: PhotoLimits) -> Image.Image:
    """The decoded image; its declared size is checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse("the image declares too many pixels to decode safely") from None
    except UnidentifiedImageError:
        raise _refuse("not a JPEG, PNG or WebP image") from None
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _refuse(
            f"the image is {width} x {height} pixels, more than the "
            f"{limits.max_pixels} pixels accepted"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise _refuse(f"the image is damaged or cut short ({error})") from None
    return image


def photo_prepare(*, data: bytes, limits: PhotoLimits) -> PhotoRenditions:
    """The photo and tile renditions of an uploaded image; raises ``ValidationError``."""
    if not data:
        raise _refuse("the file is empty")
    if len(data) > limits.max_bytes:
        raise _refuse(f"the file is larger than the {limits.max_bytes} bytes accepted")
    image = ImageOps.exif_transpose(_opened(data, limits))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    photo = image.copy()
    photo.thumbnail((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    # Faces sit in the upper part of a portrait: crop the square a little above centre.
    tile = ImageOps.fit(
        image, (TILE_SIZE, TILE_SIZE), Image.Resampling.LANCZOS, centering=(0.5, 0.35)
    )
    return PhotoRenditions(photo=_jpeg(photo), tile=_jpeg(tile))
