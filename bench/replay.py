"""A VSee stand-in for benchmarks that costs next to no CPU: the sandbox, replayed.

The sandbox is a whole Django app with a database; on the two cores a benchmark shares
with the portal and wrk, its CPU for each call is taken from the portal, which real VSee
never does (a history page's four calls cost the sandbox more than the page costs the
portal). This server sits in front of it: the first time a GET is asked (by its URL and
the patient's token), it is sent to the sandbox and its answer kept; after that it is
answered from memory. Anything else (sign-in, a booking) always goes to the sandbox.
Every answer is `delay_ms` late, as every VSee call is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests

# What of a request goes on to the sandbox, and of its answer back to the portal.
REQUEST_HEADERS = (
    "Content-Type",
    "X-AccountCode",
    "X-ApiKey",
    "X-ApiSecret",
    "X-ApiToken",
)
ANSWER_HEADERS = ("Content-Type",)


@contextmanager
def replaying(sandbox_base: str, delay_ms: int) -> Iterator[str]:
    """Serve the sandbox at `sandbox_base` replayed; yield the stand-in's API base URL."""
    sandbox = urlsplit(sandbox_base)
    kept: dict[tuple[str, str], tuple[int, dict[str, str], bytes]] = {}
    lock = threading.Lock()
    forward = requests.Session()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the portal's pooled connections
        # Headers and body go out in two writes: with Nagle's algorithm on, the body
        # waited for the portal's delayed ACK, 40 ms on about half the calls (a history
        # page alone: 24 ms at best, 72 ms the median). Servers answering for real set
        # TCP_NODELAY, as gunicorn and nginx do.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - http.server's names
            key = (self.path, self.headers.get("X-ApiToken", ""))
            with lock:
                answer = kept.get(key)
            if answer is None:
                answer = self._from_sandbox(None)
                if answer[0] == 200:
                    with lock:
                        kept[key] = answer
            self._answer(*answer)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(*self._from_sandbox(self.rfile.read(length)))

        do_PUT = do_DELETE = do_PATCH = do_POST  # noqa: N815

        def _from_sandbox(
            self, body: bytes | None
        ) -> tuple[int, dict[str, str], bytes]:
            r = forward.request(
                self.command,
                f"{sandbox.scheme}://{sandbox.netloc}{self.path}",
                data=body,
                headers={
                    h: self.headers[h] for h in REQUEST_HEADERS if h in self.headers
                },
                timeout=30,
            )
            headers = {h: r.headers[h] for h in ANSWER_HEADERS if h in r.headers}
            return r.status_code, headers, r.content

        def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
            time.sleep(delay_ms / 1000)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # a line per call would cost more than the answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{sandbox.path}"
    finally:
        server.shutdown()
        server.server_close()
