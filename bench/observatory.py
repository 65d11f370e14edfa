"""Grade the portal's headers with the MDN HTTP Observatory, offline, as production runs it.

Serves the portal with the Procfile's gunicorn and DEBUG off, over HTTPS on 127.0.0.1:443
(a self-signed certificate for "localhost", trusted by the scanner alone) and plain HTTP
on 127.0.0.1:80 (which must redirect), then grades a patient page, the admin login and a
static file with the Observatory's own npm package (its tests and grading; its CLI only
scans "/"). Needs root (ports 80 and 443), Node.js and npm.

    .venv/bin/python bench/observatory.py
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production import procfile_command, production_env, run_manage  # noqa: E402

PACKAGE = "@mdn/mdn-http-observatory@1.4.8"
TOOLS = ROOT / "bench" / ".observatory"
SCANNER = Path(__file__).resolve().parent / "observatory_scan.mjs"
HOST = "localhost"


def install_scanner() -> Path:
    package = TOOLS / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not package.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: its install step downloads CA and preload lists (offline here).
        subprocess.run(
            ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", PACKAGE],
            cwd=TOOLS,
            check=True,
        )
    # Its install step would download Chromium's HSTS preload list: "localhost" is on no
    # such list, and an empty one grades the same.
    preload = package / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    return package


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def serving(env: dict[str, str], bind: str, *extra: str):
    env = {**env, "GUNICORN_CMD_ARGS": " ".join(["--bind", bind, *extra])}
    process = subprocess.Popen(
        ["bash", "-c", procfile_command("web")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_for(url: str, cert: Path) -> None:
    for _ in range(100):
        try:
            requests.get(url, verify=str(cert), timeout=2, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def static_path(static_root: Path) -> str:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["portal.css"]


def main() -> None:
    package = install_scanner()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        cert, key = self_signed(tmp)
        env = production_env(tmp, 443, 1025)
        env.update(
            ALLOWED_HOSTS=HOST,
            # The sandbox stands in for VSee, over the same HTTPS.
            VSEE_API_BASE_URL=f"https://{HOST}/sandbox/api_v3",
            VSEE_CLINIC_URL=f"https://{HOST}/sandbox/clinic/",
            REQUESTS_CA_BUNDLE=str(cert),
        )
        for args in (
            ("migrate", "--noinput"),
            ("collectstatic", "--noinput"),
            ("demo",),
        ):
            run_manage(env, *args)
        paths = ["/", "/admin/login/", static_path(tmp / "static")]
        with (
            serving(
                env, "127.0.0.1:443", "--certfile", str(cert), "--keyfile", str(key)
            ),
            serving(env, "127.0.0.1:80"),
        ):
            wait_for(f"https://{HOST}/healthz", cert)
            wait_for(f"http://{HOST}/healthz", cert)
            results = []
            for path in paths:
                done = subprocess.run(
                    ["node", str(SCANNER), str(package), HOST, path],
                    env={**os.environ, "NODE_EXTRA_CA_CERTS": str(cert)},
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise SystemExit(f"{path}: {done.stdout}{done.stderr}")
                results.append(json.loads(done.stdout))
    for result in results:
        failed = [name for name, test in result["tests"].items() if not test["pass"]]
        print(f"{result['path']:<40} {result['grade']:<3} {result['score']:>4}", end="")
        print(f"   failed: {', '.join(failed)}" if failed else "")
    if any(result["grade"] != "A+" for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
