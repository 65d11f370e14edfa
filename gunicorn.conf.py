"""gunicorn settings for the Procfile's web process, read from the environment."""

from __future__ import annotations

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# A worker per core, and at least two (one restarting never leaves none).
workers = int(
    os.environ.get("WEB_CONCURRENCY", str(max(2, multiprocessing.cpu_count())))
)
# Threads, many: a page mostly waits on VSee, and a waiting thread costs little. With
# 300 ms per VSee call, 2 × 64 threads hold 100 patients waiting at once on two cores
# (bench/load.py). The portal reads the same number (the cap on pages waiting on VSee),
# and lets only RUNNING_THREADS of them run its code at once (portal/running.py).
worker_class = "gthread"
os.environ.setdefault("GUNICORN_THREADS", "64")
threads = int(os.environ["GUNICORN_THREADS"])
# Above the page's VSee budget (VSEE_PAGE_BUDGET, 12 s), under a proxy's usual 30 s.
timeout = 30
accesslog = "-"
# The path without its query string, and which worker served it; the secret of VSee's
# webhook address is left out (portal/access_log.py).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss pid=%(p)s'
logger_class = "portal.access_log.AccessLogger"
