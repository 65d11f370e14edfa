"""Fixed-window rate limits, shared by every worker and instance.

With REDIS_URL the counters live in the shared cache. Without it (the embedded default)
each worker's cache is its own, which would let every worker allow the full limit, so the
counters live in the database instead: one row per bucket and window, incremented in a
transaction. Buckets name an IP address or an email reference: the row keeps a keyed hash.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from portal.http import client_ip
from portal.patients.models import RateCounter


def _now() -> float:
    return time.time()  # apart, so tests can pin the window


def hit(bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; return False once the bucket is over its limit for this window."""
    return hits(bucket, window_seconds) <= limit


def hits(bucket: str, window_seconds: int) -> int:
    """Count one attempt; return how many the bucket has had in this window."""
    window = int(_now() // window_seconds)
    if settings.REDIS_URL:
        return _count_in_cache(f"ratelimit:{bucket}:{window}", window_seconds)
    ends = datetime.datetime.fromtimestamp(
        (window + 1) * window_seconds, tz=datetime.UTC
    )
    return _count_in_database(f"{bucket}:{window}", ends)


def spent(bucket: str, limit: int, window_seconds: int) -> bool:
    """Return whether the bucket has used up its limit for this window, counting nothing."""
    window = int(_now() // window_seconds)
    if settings.REDIS_URL:
        count = cache.get(f"ratelimit:{bucket}:{window}", 0)
    else:
        digest = _digest(f"{bucket}:{window}")
        count = (
            RateCounter.objects.filter(digest=digest)
            .values_list("count", flat=True)
            .first()
            or 0
        )
    return count >= limit


def _digest(key: str) -> str:
    return salted_hmac("portal.patients.ratelimit", key, algorithm="sha256").hexdigest()


def _count_in_cache(key: str, window_seconds: int) -> int:
    cache.add(key, 0, window_seconds + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds + 5)
        return 1


def _count_in_database(key: str, ends: datetime.datetime) -> int:
    digest = _digest(key)
    counters = RateCounter.objects.filter(digest=digest)
    try:
        return _increment(counters, digest, ends)
    except (
        IntegrityError
    ):  # a racing first hit created the row: it is there to update now
        return _increment(counters, digest, ends)


def _increment(counters, digest: str, ends: datetime.datetime) -> int:
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            RateCounter.objects.create(digest=digest, count=1, expires_at=ends)
        return counters.values_list("count", flat=True).get()


def over_limit(request: HttpRequest, kind: str, *, per_ip: int, overall: int) -> str:
    """Count one attempt of `kind` in the sign-in window; return "" while it is allowed,
    else which limit it passed ("rate_limited_ip" or "rate_limited_all")."""
    window = settings.SIGN_IN_CODE_WINDOW_MINUTES * 60
    if not hit(f"{kind}-ip:{client_ip(request)}", per_ip, window):
        return "rate_limited_ip"
    if not hit(f"{kind}-all", overall, window):
        return "rate_limited_all"
    return ""


def slow_down_page(
    request: HttpRequest, what: str, next_path: str = ""
) -> HttpResponse:
    """Return the "please wait a few minutes" page (429) for a sign-in or a visit."""
    ctx = {
        "what": what,
        "next": next_path,
        "minutes": settings.SIGN_IN_CODE_WINDOW_MINUTES,
    }
    return render(request, "patients/slow_down.html", ctx, status=429)
