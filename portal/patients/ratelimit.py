"""Fixed-window counters in the cache (Redis when configured, so all workers share them)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; return False once the bucket is over its limit for this window."""
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{bucket}:{window}"
    cache.add(key, 0, window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds + 5)
        count = 1
    return count <= limit


def client_ip(meta: dict) -> str:
    """The client's address. Behind a proxy, configure it to set REMOTE_ADDR (gunicorn's
    --forwarded-allow-ips); X-Forwarded-For is not trusted here because anyone can send it."""
    return meta.get("REMOTE_ADDR", "") or "unknown"
