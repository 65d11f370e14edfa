"""gunicorn settings for the Procfile's web process, read from the environment."""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads: a page mostly waits on VSee, and the sandbox (local runs) is served by the
# portal itself, which a single sync worker would wait on forever.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
accesslog = "-"
# The path without its query string, and which worker served it; the secret of VSee's
# webhook address is left out (portal/access_log.py).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss pid=%(p)s'
logger_class = "portal.access_log.AccessLogger"
