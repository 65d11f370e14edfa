"""Benchmark: the patient pages under load, against a VSee that answers late.

Not a test: it reports figures. One command, no portal running first:

    .venv/bin/python bench/load.py [--delays 0,300] [--connections 100] [--seconds 10]
                                   [--workers N] [--threads N] [--vsee replay|sandbox]

It sets up the demo in a fresh SQLite file, serves the sandbox alone (manage.py
serve_sandbox) behind a stand-in that replays its answers from memory with every call
`delay` ms late (bench/replay.py; `--vsee sandbox`: the sandbox itself, whose CPU then
competes with the portal's, as in earlier figures), serves the portal as the Procfile does
(gunicorn, DEBUG off; --workers and --threads set WEB_CONCURRENCY and GUNICORN_THREADS,
else the Procfile's defaults), signs the demo patient in by email (a real SMTP server),
starts an appointment, then drives each page with wrk (apt-get install wrk):

- overhead: each page's p50 as a ratio to the "ok" floor (a view with nothing behind it,
  under the same server), VSee delay 0;
- latency hiding: one patient's page time (sequential requests, median) ÷ (VSee calls on
  its critical path × delay); the critical path is read from the page time itself;
- throughput: requests/s at `--connections`, as a ratio to the floor that sleeps like one
  VSee call, with the share refused (503, "try again") and of other errors;
- VSee calls per page, for one patient, from the portal's log;
- weight: the page's first load, compressed, with its CSS and scripts.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.replay import replaying  # noqa: E402
from tests.production import (  # noqa: E402
    Visitor,
    _serving,
    free_port,
    production_env,
    run_manage,
    sandbox_alone,
    smtp_server,
)

# The demo's patient, and answers to the demo room's form (no Django in this process).
ADA = {
    "email": "ada@example.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "dob": "1985-12-10",
}
ANSWERS = {
    "reason_for_visit": "Benchmark visit",
    "location": "NY",
    "custom_insurance": "Self-pay",
    "custom_seen_before": "no",
}
# One patient booking a time, as requests costed like the page each is most like: the
# clinic's page and the room; the week of times and one more; the form, its post, the
# review, its post, the confirmation and two redirects (each a form page's cost); the
# visits list. From bench/screens.py's walk (10 screens for a new patient).
BOOKING = {
    "landing": 1,
    "room page": 1,
    "picker week": 2,
    "intake form": 7,
    "history": 1,
}
LOOKS = 15  # one patient's looks at each page, in a row, on a quiet server
STATUSES_SCRIPT = Path(__file__).resolve().parent / "statuses.lua"
VSEE_CALL_IN_LOG = re.compile(r" portal\.vsee vsee [A-Z]+ \S+ -> ")
PAGES = [
    ("landing", "/", False),
    ("room page", "/rooms/demo-room/", False),
    ("intake form", "/rooms/demo-room/appointment/", True),
    ("picker week", "/rooms/demo-room/appointment/time/?consultation={quick}", True),
    ("history", "/visits/", True),
]


def wrk(url: str, cookie: str, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "30s",
            "-H",
            "X-Forwarded-Proto: https",
            "-H",
            f"Cookie: {cookie}",
            "-s",
            str(STATUSES_SCRIPT),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests_done = max(int(re.search(r"(\d+) requests in", out).group(1)), 1)
    refused, failed = map(int, re.search(r"refused (\d+) failed (\d+)", out).groups())
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        failed += sum(int(n) for n in socket_errors.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        # Refusals (503: "try again", past the cap on pages waiting on VSee) apart from
        # other failures; both as a share of the requests made.
        "refused": refused / requests_done,
        "errors": failed / requests_done,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def page_time(visitor: Visitor, path: str) -> float:
    times = []
    for _ in range(LOOKS):
        started = time.perf_counter()
        r = visitor.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return statistics.median(times)


def vsee_calls(log: Path) -> int:
    """VSee calls the portal has made so far, from its log (one line per call)."""
    return len(VSEE_CALL_IN_LOG.findall(log.read_text()))


def weight(visitor: Visitor, path: str) -> tuple[int, int]:
    """Compressed bytes of the page and the CSS and scripts it loads, and how many."""
    page = visitor.get(path).text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:css|js))"', page)
    total = len(gzip.compress(page.encode()))
    for asset in assets:
        total += len(gzip.compress(visitor.get(asset).content))
    return total, 1 + len(assets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", default="0,300")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--logs", help="a folder to keep the servers' logs in")
    parser.add_argument(
        "--vsee",
        choices=("replay", "sandbox"),
        default="replay",
        help="VSee's stand-in: the sandbox replayed from memory (bench/replay.py), or "
        "the sandbox itself, whose CPU then competes with the portal's",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    delays = [int(d) for d in args.delays.split(",")]
    server_env = {}
    if args.workers:
        server_env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        server_env["GUNICORN_THREADS"] = str(args.threads)

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp_path = Path(tmp)
        mailbox, smtp_port = stack.enter_context(smtp_server())
        port = free_port()
        env = production_env(tmp_path, port, smtp_port)
        for setup in (
            ("migrate", "--noinput"),
            ("collectstatic", "--noinput"),
            ("demo",),
        ):
            run_manage(env, *setup)
        quick = (
            run_manage(
                env,
                "shell",
                "-c",
                "from sandbox.models import SandboxConsultation as C; "
                "print(C.objects.get(description='Quick video visit').id)",
            )
            .strip()
            .splitlines()[-1]
        )
        print(
            f"# VSee: {args.vsee}; {os.cpu_count()} cores; portal: WEB_CONCURRENCY="
            f"{server_env.get('WEB_CONCURRENCY', 'Procfile default')}, GUNICORN_THREADS="
            f"{server_env.get('GUNICORN_THREADS', 'Procfile default')}; wrk -t2 "
            f"-c{args.connections} -d{args.seconds}s"
        )
        results: dict[int, dict[str, dict]] = {}
        for delay in delays:
            with ExitStack() as per_delay:
                log = tmp_path / f"sandbox-{delay}.log"
                if args.vsee == "replay":
                    sandbox = per_delay.enter_context(sandbox_alone(env, 0, log))
                    vsee = per_delay.enter_context(replaying(sandbox, delay))
                else:
                    vsee = per_delay.enter_context(sandbox_alone(env, delay, log))
                portal_log = tmp_path / f"portal-{delay}.log"
                portal = per_delay.enter_context(
                    _serving(
                        {**env, **server_env, "VSEE_API_BASE_URL": vsee},
                        port,
                        portal_log,
                    )
                )
                patient = Visitor(portal)
                patient.get("/sign-in/")  # its CSRF cookie
                patient.post("/sign-in/", {"email": ADA["email"], "next": "/"})
                patient.post("/sign-in/code/", {"code": mailbox.last_code()})
                who = {k: ADA[k] for k in ("first_name", "last_name", "dob")}
                assert patient.post("/sign-in/you/", who).status_code == 302
                assert patient.post(PAGES[2][1], ANSWERS).status_code == 302
                cookie = "; ".join(f"{k}={v}" for k, v in patient.cookies.items())
                row: dict[str, dict] = {}
                floors = [("floor ok", "/sandbox/floor/ok/")]
                if delay:
                    floors.append(
                        (f"floor sleep {delay}", f"/sandbox/floor/sleep/{delay}/")
                    )
                for name, path in floors:
                    row[name] = wrk(
                        portal.url + path, "", args.connections, args.seconds
                    )
                for name, path, signed_in in PAGES:
                    path = path.format(quick=quick)
                    visitor = patient if signed_in else Visitor(portal)
                    # One patient first, on a quiet server; then the crowd.
                    calls_before = vsee_calls(portal_log)
                    alone = page_time(visitor, path)
                    calls = (vsee_calls(portal_log) - calls_before) / LOOKS
                    if delay == delays[0]:
                        sizes = weight(visitor, path)
                    measured = wrk(
                        portal.url + path,
                        cookie if signed_in else "",
                        args.connections,
                        args.seconds,
                    )
                    measured["alone"] = alone
                    measured["vsee_calls"] = calls
                    if delay == delays[0]:
                        measured["weight"], measured["files"] = sizes
                    row[name] = measured
                    print(f"# {delay} ms, {name}: {measured}", flush=True)
                    time.sleep(2)  # let the last requests of the crowd finish
                results[delay] = row
        if args.logs:
            shutil.copytree(tmp_path, args.logs, dirs_exist_ok=True)
        report(results, delays)


def report(results: dict[int, dict[str, dict]], delays: list[int]) -> None:
    base = delays[0]
    ok = results[base]["floor ok"]
    print(
        f"\n## Overhead (VSee delay {base} ms): p50 under load, as a ratio to the 'ok' floor"
    )
    print(
        "| page | p50 | ratio | p99 | req/s | ÷ 'ok' floor | refused | errors | "
        "one patient | VSee calls | weight (files) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, measured in results[base].items():
        weight = (
            f"{measured['weight'] / 1024:.1f} KB ({measured['files']})"
            if "weight" in measured
            else "–"
        )
        print(
            f"| {name} | {measured['p50']:.1f} ms | {measured['p50'] / ok['p50']:.1f}× | "
            f"{measured['p99']:.0f} ms | {measured['rps']:,.0f} | "
            f"{measured['rps'] / ok['rps']:.2f} | {measured['refused']:.1%} | "
            f"{measured['errors']:.1%} | {measured.get('alone', 0):.1f} ms | "
            f"{_calls(measured)} | {weight} |"
        )
    for delay in delays[1:]:
        row = results[delay]
        sleeping = row[f"floor sleep {delay}"]
        print(f"\n## VSee {delay} ms late")
        print(
            "| page | one patient | VSee calls | critical-path calls | hiding | "
            "req/s at load | ÷ sleeping floor | p50 | refused | errors |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, measured in row.items():
            if name.startswith("floor"):
                print(
                    f"| {name} | – | – | – | – | {measured['rps']:,.0f} | "
                    f"{measured['rps'] / sleeping['rps']:.2f} | {measured['p50']:.0f} ms | "
                    f"{measured['refused']:.1%} | {measured['errors']:.1%} |"
                )
                continue
            extra = measured["alone"] - results[base][name]["alone"]
            calls = round(extra / delay)
            hiding = f"{measured['alone'] / (calls * delay):.2f}" if calls else "–"
            print(
                f"| {name} | {measured['alone']:.0f} ms | {_calls(measured)} | {calls} | "
                f"{hiding} | {measured['rps']:,.0f} | "
                f"{measured['rps'] / sleeping['rps']:.2f} | {measured['p50']:.0f} ms | "
                f"{measured['refused']:.1%} | {measured['errors']:.1%} |"
            )
        print(
            f"\nBookings an hour, one instance flat out, VSee {delay} ms late: "
            f"{patients_an_hour(row):,.0f} ({sum(BOOKING.values())} requests each: "
            + ", ".join(f"{page} × {n}" for page, n in BOOKING.items())
            + ")"
        )


def patients_an_hour(row: dict[str, dict]) -> float:
    """Bookings one instance completes in an hour, flat out: the seconds of the whole
    instance a booking's requests take, from each page's requests/s under load."""
    seconds = sum(n / row[page]["rps"] for page, n in BOOKING.items())
    return 3600 / seconds


def _calls(measured: dict) -> str:
    """VSee calls per page for one patient (the mean of LOOKS: a kept answer costs 0)."""
    return f"{measured['vsee_calls']:.1f}" if "vsee_calls" in measured else "–"


if __name__ == "__main__":
    main()
