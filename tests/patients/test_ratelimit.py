from __future__ import annotations

import socket
import time
import uuid

import pytest
from django.core.cache import caches

from portal.patients import ratelimit


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


class TestFixedWindow:
    def test_it_allows_the_limit_then_refuses(self):
        bucket = f"test:{uuid.uuid4()}"
        assert [ratelimit.hit(bucket, 3, 60) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]

    @pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
    def test_with_redis_every_worker_shares_one_count(self, settings):
        # The scale-out configuration (REDIS_URL): two processes see the same counter,
        # here two separate cache connections standing in for two workers.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
            }
        }
        bucket = f"test:{uuid.uuid4()}"
        assert ratelimit.hit(bucket, 2, 60)
        other_worker = caches.create_connection("default")
        assert ratelimit.hit(bucket, 2, 60)
        assert not ratelimit.hit(bucket, 2, 60)
        # The count lives in Redis, where another worker's connection reads it.
        window = int(time.time() // 60)
        assert other_worker.get(f"ratelimit:{bucket}:{window}") == 3
