"""Generations in the cache: what is kept under one is forgotten by starting the next one
(a cache cannot list its keys to delete them by prefix). With Redis every instance
forgets at once; with each worker's own cache, only the worker that started it, so use
it where the TTL of what is kept bounds the rest (free times: 10 s). The clinic's
configuration has a generation in the database instead (portal/clinic/changes.py)."""

from __future__ import annotations

import time

from django.core.cache import cache


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        return int(cache.get(self.key, 0))

    def advance(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # none yet (or evicted): any new number will do
            cache.set(self.key, time.time_ns(), None)
