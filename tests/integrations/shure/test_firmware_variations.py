"""The client against simulated firmware variations met in the field, on loopback sockets."""

from __future__ import annotations

import socket
import time

import pytest

from micboard.exceptions import ProtocolError
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.shure.client import read_receiver
from micboard.integrations.shure.codec import Message, Verb
from micboard.integrations.shure.families import RequestForm
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import SimulatedReceiver
from tests.conftest import StartFleet
from tests.integrations.shure.test_client import expected_snapshot, summary

TIMEOUT = 2.0
MODELS = ("ULXD4Q", "QLXD4", "SLXD4D", "AD4D")


@pytest.fixture
def variants(start_fleet: StartFleet) -> Fleet:
    return start_fleet(*MODELS)


def poll(receiver: SimulatedReceiver, form: str = "") -> tuple[ReceiverSnapshot, float]:
    started = time.monotonic()
    snapshot = read_receiver(
        receiver.address(TIMEOUT),
        family=receiver.family,
        channels=receiver.channel_count,
        form=form,
    )
    return snapshot, time.monotonic() - started


def assert_read_whole(receiver: SimulatedReceiver, snapshot: ReceiverSnapshot) -> None:
    assert summary(snapshot) == expected_snapshot(receiver.spec)


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_commands_end_with_cr_lf_so_a_line_reader_sees_them(variants: Fleet, index: int) -> None:
    receiver = variants.receiver(index)
    receiver.configure(line_commands=True)

    snapshot, took = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert took < TIMEOUT / 4  # no wait for anything
    assert snapshot.diagnostics.request_form == RequestForm.ALL


def test_an_unterminated_command_is_never_seen_by_a_line_reader(variants: Fleet) -> None:
    receiver = variants.receiver(1)
    receiver.configure(line_commands=True)
    with socket.create_connection((receiver.host, receiver.port), timeout=2) as sock:
        sock.sendall(b"< GET 1 ALL >")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(100)
        sock.sendall(b"\r\n")
        sock.settimeout(2)
        assert sock.recv(100).startswith(b"< REP")


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_replies_ending_in_cr_lf_are_read(variants: Fleet, index: int) -> None:
    receiver = variants.receiver(index)
    receiver.configure(crlf_replies=True)

    snapshot, _ = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.diagnostics.skipped_messages == 0


def test_a_receiver_without_get_0_all_is_read_per_channel(variants: Fleet) -> None:
    receiver = variants.receiver(0)  # ULXD4Q
    receiver.configure(no_all_channels=True)

    snapshot, took = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.model == "ULXD4Q"
    assert took < TIMEOUT / 4
    assert all(c.channel != 0 for c in receiver.recent_commands)


def test_a_receiver_without_model_is_complete_once_every_channel_arrived(variants: Fleet) -> None:
    receiver = variants.receiver(1)  # the QLX-D of the field report: neither
    receiver.configure(no_model=True, no_all_channels=True)

    snapshot, took = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.model == "QLXD4"  # the family's only model
    assert snapshot.firmware == receiver.spec.firmware
    assert took < TIMEOUT / 4


def test_a_model_that_never_arrives_is_left_blank(variants: Fleet) -> None:
    receiver = variants.receiver(0)
    receiver.configure(no_model=True)

    snapshot, took = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.model == ""  # the stored model is kept
    assert took < TIMEOUT / 4


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_without_get_all_the_poll_falls_back_to_single_gets(variants: Fleet, index: int) -> None:
    receiver = variants.receiver(index)
    receiver.configure(no_get_all=True)

    first, took = poll(receiver)
    assert_read_whole(receiver, first)
    assert first.diagnostics.request_form == RequestForm.PARAM
    assert took < TIMEOUT / 4  # the end marker's lone answer showed it at once
    receiver.recent_commands.clear()

    later, _ = poll(receiver, form=first.diagnostics.request_form)

    assert_read_whole(receiver, later)
    assert later.diagnostics.request_form == RequestForm.PARAM
    assert all(c.param != "ALL" for c in receiver.recent_commands)  # asked as it worked


def test_a_device_that_refuses_get_all_falls_back_too(variants: Fleet) -> None:
    receiver = variants.receiver(1)
    receiver.configure(no_get_all=True)
    refusing = receiver.handle_get

    def refuse_all(channel: int | None, param: str) -> list[Message]:
        return [Message(Verb.REP, None, "ERR")] if param == "ALL" else refusing(channel, param)

    receiver.handle_get = refuse_all  # type: ignore[method-assign]

    snapshot, _ = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.diagnostics.request_form == RequestForm.PARAM


@pytest.mark.parametrize("form", ["", RequestForm.PARAM.value])
def test_a_lost_value_is_asked_for_again(variants: Fleet, form: str) -> None:
    receiver = variants.receiver(0)
    receiver.configure(lose_value=True)

    snapshot, took = poll(receiver, form=form)

    assert_read_whole(receiver, snapshot)
    assert snapshot.diagnostics.resent_requests == 1
    assert Message(Verb.GET, 1, "CHAN_NAME") in receiver.recent_commands
    assert took < TIMEOUT / 4  # asked at the round's last answer: no quiet wait, no timeout


def test_a_poll_with_a_stray_sample_still_succeeds(variants: Fleet) -> None:
    receiver = variants.receiver(1)
    original = receiver.handle_get

    def with_stray_sample(channel: int | None, param: str) -> list[Message]:
        stray = Message(Verb.SAMPLE, 1, "ALL", ("AX", "090"))  # one value short
        return [stray, *original(channel, param)]

    receiver.handle_get = with_stray_sample  # type: ignore[method-assign]

    snapshot, _ = poll(receiver)

    assert_read_whole(receiver, snapshot)
    assert snapshot.diagnostics.skipped_messages >= 1
    assert "malformed metering sample < SAMPLE 1 ALL AX 090 >" in snapshot.diagnostics.last_skipped


def test_a_form_the_family_does_not_use_starts_with_its_first(variants: Fleet) -> None:
    snapshot, _ = poll(variants.receiver(1), form="bogus")

    assert snapshot.diagnostics.request_form == RequestForm.ALL


def test_a_lost_end_marker_answer_ends_the_poll_once_quiet(variants: Fleet) -> None:
    receiver = variants.receiver(2)  # SLXD4D
    marker = receiver.family.end_marker(receiver.channel_count)
    answer = receiver.handle_get

    def without_the_marker_answer(channel: int | None, param: str) -> list[Message]:
        lost = (channel, param) == (marker.channel, marker.param)
        return [] if lost else answer(channel, param)

    receiver.handle_get = without_the_marker_answer  # type: ignore[method-assign]

    snapshot, _ = poll(receiver)

    assert_read_whole(receiver, snapshot)  # every value came with GET ALL
    assert snapshot.diagnostics.resent_requests == 0  # nothing was missing


def test_an_unknown_model_fails_the_poll_naming_it(variants: Fleet) -> None:
    receiver = variants.receiver(0)
    receiver.configure(reported_model="ULXD9Z")

    with pytest.raises(ProtocolError, match=r"127\.0\.0\.1:\d+ reports model 'ULXD9Z'"):
        poll(receiver)


def test_a_malformed_required_value_fails_the_poll_naming_the_device(variants: Fleet) -> None:
    receiver = variants.receiver(1)
    answer = receiver.handle_get

    def bad_frequency(channel: int | None, param: str) -> list[Message]:
        return [
            Message(Verb.REP, m.channel, m.param, ("57835",)) if m.param == "FREQUENCY" else m
            for m in answer(channel, param)
        ]

    receiver.handle_get = bad_frequency  # type: ignore[method-assign]

    with pytest.raises(ProtocolError, match=r"127\.0\.0\.1:\d+ FREQUENCY '57835'"):
        poll(receiver)


def test_slx_d_read_per_parameter_still_gets_each_antennas_rf_level(variants: Fleet) -> None:
    """SLX-D's document lets a GET ask for RSSI (one REP per antenna): the PARAM form asks."""
    receiver = variants.receiver(MODELS.index("SLXD4D"))
    receiver.configure(no_get_all=True)
    every_form, _ = poll(receiver)
    per_parameter, _ = poll(receiver, form=RequestForm.PARAM.value)
    assert per_parameter.diagnostics.request_form == RequestForm.PARAM
    for channel in per_parameter.channels:
        assert channel.rf_level is not None
    assert_read_whole(receiver, per_parameter)
    assert every_form.diagnostics.request_form == RequestForm.PARAM


@pytest.mark.parametrize("model", ["ULXD4Q", "QLXD4", "SLXD4D"])
def test_read_per_parameter_the_gain_and_group_channel_are_asked_too(
    variants: Fleet, model: str
) -> None:
    """Each document's ``GET x AUDIO_GAIN`` (and SLX-D's ``GET x GROUP_CHANNEL``) is asked
    in the per-parameter form, so those values do not go empty on such a device."""
    receiver = variants.receiver(MODELS.index(model))
    receiver.configure(no_get_all=True)
    receiver.set_audio_gain(1, 12)
    slxd = receiver.family.key == "SLXD"
    if slxd:
        receiver.set_group_channel(1, 3, 7)

    snapshot, took = poll(receiver)

    assert snapshot.diagnostics.request_form == RequestForm.PARAM
    assert_read_whole(receiver, snapshot)
    gains = [channel.audio_gain_db for channel in snapshot.channels]
    assert gains == [12] + [0] * (receiver.channel_count - 1)
    groups = [channel.group_channel for channel in snapshot.channels]
    assert groups == ["3,7" if slxd else ""] + [""] * (receiver.channel_count - 1)
    asked = {(c.channel, c.param) for c in receiver.recent_commands}
    assert (1, "AUDIO_GAIN") in asked
    assert ((1, "GROUP_CHANNEL") in asked) is slxd
    assert snapshot.diagnostics.resent_requests == 0
    assert took < TIMEOUT / 4


@pytest.mark.parametrize("answer", ["ignored", "refused"])
def test_a_setting_a_device_does_not_answer_is_asked_again_once_then_left_unknown(
    variants: Fleet, answer: str
) -> None:
    receiver = variants.receiver(MODELS.index("SLXD4D"))
    receiver.configure(no_get_all=True, lose_value=True)
    original = receiver.handle_get
    refusal = [Message(Verb.REP, None, "ERR")] if answer == "refused" else []

    def without_gain(channel: int | None, param: str) -> list[Message]:
        return refusal if param == "AUDIO_GAIN" else original(channel, param)

    receiver.handle_get = without_gain  # type: ignore[method-assign]

    snapshot, took = poll(receiver, form=RequestForm.PARAM.value)

    assert_read_whole(receiver, snapshot)
    assert [c.audio_gain_db for c in snapshot.channels] == [None, None]
    assert [c.group_channel for c in snapshot.channels] == ["", ""]  # {--,--}: answered
    gain_asks = [c for c in receiver.recent_commands if c.param == "AUDIO_GAIN"]
    assert gain_asks == [Message(Verb.GET, n, "AUDIO_GAIN") for n in (1, 2)] * 2
    assert snapshot.diagnostics.resent_requests == 3  # the lost value and both gains
    assert took < TIMEOUT / 4
