"""A worker's first look at its links: refusals end it, an outage does not."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from celery import Celery

from micboard.workers import startup
from tests.ports import free_port


def test_refusals_are_told_from_outages() -> None:
    assert startup.is_refusal(ssl.SSLCertVerificationError("certificate verify failed"))
    assert startup.is_refusal(RuntimeError('password authentication failed for user "x"'))
    wrapped = RuntimeError("connect failed")
    wrapped.__cause__ = OSError("WRONGPASS invalid username-password pair")
    assert startup.is_refusal(wrapped)
    assert not startup.is_refusal(ConnectionRefusedError("Connection refused"))
    assert not startup.is_refusal(TimeoutError("timed out"))


@pytest.mark.django_db
def test_an_unreachable_link_is_only_logged(settings: Any) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.MICBOARD_REDIS_URL = closed
    app = Celery("probe", broker=closed, set_as_current=False)
    app.conf.broker_connection_timeout = 1
    startup.links_check(app)  # no exception: the worker starts and retries as usual


def test_the_check_is_off_unless_asked(settings: Any) -> None:
    settings.MICBOARD_WORKER_CHECK_LINKS = False
    startup.on_worker_init(sender=object())
