"""A patient on a slow network sends a file, under the Procfile's server (one worker, one
running place): while the upload's bytes are on their way, the place serves everyone
else, and the file still arrives whole."""

from __future__ import annotations

import io
import os
import socket
import time

import pytest
import requests
from PIL import Image
from urllib3 import encode_multipart_formdata

from tests.booking.test_intake import ANSWERS
from tests.production import Visitor, production_server, smtp_server
from tests.test_sessions_across_workers import INTAKE, sign_in

pytestmark = pytest.mark.server

FILES = INTAKE + "files/"


def photo() -> bytes:
    """A photo of a card, large enough to come in many packets (noise won't compress)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (200, 200), os.urandom(120_000)).save(out, "PNG")
    return out.getvalue()


def test_a_slow_upload_keeps_no_one_else_waiting(tmp_path):
    with (
        smtp_server() as (mailbox, smtp_port),
        production_server(
            tmp_path, smtp_port, WEB_CONCURRENCY="1", RUNNING_THREADS="1"
        ) as server,
    ):
        visitor = Visitor(server)
        sign_in(visitor, mailbox)
        r = visitor.post(INTAKE, ANSWERS)
        assert (r.status_code, r.headers["Location"]) == (302, FILES)

        body, content_type = encode_multipart_formdata(
            {
                "csrfmiddlewaretoken": visitor.cookies["csrftoken"],
                "files": ("card.png", photo(), "image/png"),
            }
        )
        origin = server.url.replace("http://", "https://")
        cookies = "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())
        head = (
            f"POST {FILES} HTTP/1.1\r\n"
            f"Host: {server.url.removeprefix('http://')}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n"
            "X-Forwarded-Proto: https\r\n"
            f"Origin: {origin}\r\n"
            f"Referer: {origin}{FILES}\r\n"
            f"Cookie: {cookies}\r\n\r\n"
        ).encode()
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as phone:
            phone.sendall(head + body[:4096])
            # Long enough for the upload to take the one place and start reading (the
            # page below, asked first, would pass without showing anything).
            time.sleep(0.5)
            # The rest of the photo is still on its way: another patient's page (and
            # the load balancer's check) is served meanwhile, not after the last byte.
            landing = requests.get(
                server.url + "/",
                headers={"X-Forwarded-Proto": "https", "Connection": "close"},
                timeout=10,
            )
            assert landing.status_code == 200
            phone.sendall(body[4096:])
            answer = b""
            while chunk := phone.recv(65536):
                answer += chunk
        status = answer.split(b"\r\n", 1)[0]
        assert status in (b"HTTP/1.1 200 OK", b"HTTP/1.1 302 Found"), answer[:500]
        assert "card.png" in visitor.get(FILES).text
