"""The portal as production runs it, for tests about workers: the Procfile's web command
(gunicorn, its config), DEBUG off, a fresh SQLite file, the demo loaded, a real SMTP server
for sign-in codes, and a client that opens a new connection for every request."""

from __future__ import annotations

import contextlib
import email
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PID_IN_LOG = re.compile(r"pid=<?(\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_command(process: str) -> str:
    """Return the Procfile's command line for one process type."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise LookupError(f"no {process!r} process in the Procfile")


class Mailbox:
    """Collects what the portal sends over SMTP."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def last_code(self) -> str:
        message = self.messages[-1]
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        text = part.get_payload(decode=True).decode()
        return re.search(r"\b(\d{6})\b", text).group(1)


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass
class ProductionServer:
    url: str
    log_path: Path
    env: dict[str, str]

    def worker_pids(self) -> list[int]:
        """Return, in order, the worker process that served each request so far."""
        return [
            int(m.group(1))
            for line in self.log_path.read_text().splitlines()
            if (m := PID_IN_LOG.search(line)) and '"' in line
        ]

    def manage(self, *args: str) -> str:
        return run_manage(self.env, *args)


def run_manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def production_env(tmp_path: Path, port: int, smtp_port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "VSEE_", "EMAIL_"))
    }
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        PATH=f"{venv_bin}:{env.get('PATH', '')}",
        DEBUG="False",
        SECRET_KEY="production-test-secret-key-" + "x" * 40,
        PATIENT_CODE_KEY="production-test-patient-code-key",
        PATIENT_DATA_KEYS="production-test-patient-data-key",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        VSEE_SANDBOX_ENABLED="True",
        PORT=str(port),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="False",
        WEB_CONCURRENCY="2",
        # Loopback only; everything else as the Procfile and gunicorn.conf.py say.
        GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port}",
    )
    return env


@contextmanager
def production_server(
    tmp_path: Path, smtp_port: int, **server_env: str
) -> Iterator[ProductionServer]:
    """Set up the demo, then serve it; `server_env` applies to the server alone."""
    port = free_port()
    env = production_env(tmp_path, port, smtp_port)
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput"), ("demo",)):
        run_manage(env, *args)
    env.update(server_env)
    with _serving(env, port, tmp_path / "gunicorn.log") as server:
        yield server


@contextmanager
def production_instances(
    tmp_path: Path, smtp_port: int, count: int, **shared_env: str
) -> Iterator[list[ProductionServer]]:
    """Set up the demo once, then serve it from `count` instances (each the Procfile's
    web process on its own port) sharing `shared_env`: the scale-out configuration's
    DATABASE_URL and REDIS_URL, say. Each talks to the sandbox of the first."""
    ports = [free_port() for _ in range(count)]
    env = production_env(tmp_path, ports[0], smtp_port)
    env.update(shared_env)
    env["VSEE_API_BASE_URL"] = f"http://127.0.0.1:{ports[0]}/sandbox/api_v3"
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput"), ("demo",)):
        run_manage(env, *args)
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                _serving(
                    {
                        **env,
                        "PORT": str(port),
                        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",
                    },
                    port,
                    tmp_path / f"gunicorn-{port}.log",
                )
            )
            for port in ports
        ]
        yield servers


@contextmanager
def _serving(
    env: dict[str, str], port: int, log_path: Path
) -> Iterator[ProductionServer]:
    """Run the Procfile's web process with `env` until the block ends."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["bash", "-c", procfile_command("web")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ProductionServer(f"http://127.0.0.1:{port}", log_path, env)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except (
            subprocess.TimeoutExpired
        ):  # requests still in flight: don't wait them out
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_up(server: ProductionServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, server.log_path.read_text()
        try:
            if requests.get(f"{server.url}/healthz", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not start:\n" + server.log_path.read_text())


@dataclass
class Visitor:
    """A browser without keep-alive: every request is a new connection, so consecutive
    requests land on whichever worker accepts first. Cookies are kept by hand because the
    portal marks them Secure (it trusts X-Forwarded-Proto from the proxy, sent here)."""

    server: ProductionServer
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None):
        origin = self.server.url.replace("http://", "https://")
        headers = {
            "Connection": "close",
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": origin + "/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        response = requests.request(
            method,
            self.server.url + path,
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        for cookie in response.cookies:
            if cookie.expires is not None and cookie.expires < time.time():
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)


@contextmanager
def hanging_vsee() -> Iterator[str]:
    """Yield the base URL of a VSee that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)  # never accepted: the kernel completes the handshakes
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api_v3"


@contextmanager
def sandbox_alone(
    env: dict[str, str], delay_ms: int, log_path: Path, threads: int = 128
) -> Iterator[str]:
    """Serve the sandbox alone (manage.py serve_sandbox) with every call `delay_ms` late,
    on the database `env` names; yield its API's base URL."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve_sandbox",
                "--port",
                str(port),
                "--delay-ms",
                str(delay_ms),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}/sandbox/api_v3"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                requests.get(f"{base}/nothing", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
