"""A clinic's own website for the local run: the portal embedded on another origin.

`manage.py demo_site` serves one page (both snippets, inline and button) on
http://localhost:8001 while the portal is on http://127.0.0.1:8000, so a clinic sees the
embed, events and cookies across sites before touching their own site.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.template.loader import render_to_string

DEMO_SITE_PORT = 8001


def demo_site_origin(port: int = DEMO_SITE_PORT) -> str:
    return f"http://localhost:{port}"


def page(portal: str, room: str = "demo-room") -> bytes:
    return render_to_string(
        "sandbox/clinic_site.html", {"portal": portal, "room": room}
    ).encode()


def serve(
    portal: str, host: str = "localhost", port: int = DEMO_SITE_PORT
) -> ThreadingHTTPServer:
    """Start serving the page in a thread and return the server (call shutdown() to stop)."""
    body = page(portal)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            found = self.path.split("?")[0] == "/"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass  # the portal's own log is the one to read

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
