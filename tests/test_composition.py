"""The composition root: one Redis client per profile, the Celery app by name."""

from __future__ import annotations

import pytest
from django.test import override_settings

from micboard import composition
from micboard.infrastructure.redis import RedisProfile
from micboard.workers.celery import app


def test_each_redis_profile_is_one_client_per_process() -> None:
    standard = composition.redis_connection(RedisProfile.STANDARD)
    fail_fast = composition.redis_connection(RedisProfile.FAIL_FAST)
    assert composition.redis_connection() is standard
    assert composition.redis_connection(RedisProfile.FAIL_FAST) is fail_fast
    assert standard is not fail_fast
    # A wall gives up on Redis sooner than a lock does.
    timeout = standard.connection_pool.connection_kwargs["socket_timeout"]
    assert fail_fast.connection_pool.connection_kwargs["socket_timeout"] < timeout


def test_the_celery_app_is_the_one_the_settings_name() -> None:
    assert composition.celery_app() is app
    with (
        override_settings(MICBOARD_CELERY_APP="micboard.workers.celery.no_such_app"),
        pytest.raises(ImportError),
    ):
        composition.celery_app()
