#!/usr/bin/env python
"""Load benchmark of the integrated views at 100,000 patients (``make bench``).

Seeds (or reuses) the careteam_bench PostgreSQL database, serves the app with gunicorn (2 workers,
pooled connections, DEBUG off) on a free loopback port, signs in a seeded clinician and measures
with wrk: the caseload API and page, a patient timeline, and a plain 50-row DRF list as the
baseline, all against the same server in the same run. Two tables:

* throughput, with the server kept busy (BENCH_CONNECTIONS, 8): requests/s of each target and
  its ratio to the plain list (the caseload API and page targets);
* latency, with one request in flight per worker (BENCH_LATENCY_CONNECTIONS, 2): p50/p99 of a
  request served as it arrives (the timeline target). Under 8 connections a request also waits
  for the three queued before it, so p50 there is the queue, not the view: even the plain list
  is near 50 ms there on this machine.

Each table is measured in BENCH_ROUNDS (3) interleaved rounds, every target in turn, so a slow
spell of this shared machine falls on all targets alike; requests/s is over all rounds, p50 the
median of the rounds' and p99 the worst.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/careteam_bench),
BENCH_PATIENTS (100000), BENCH_DURATION (15 s per target and table), BENCH_CONNECTIONS (8),
BENCH_LATENCY_CONNECTIONS (2), BENCH_ROUNDS (3), BENCH_THREADS (2).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# ruff: noqa: S603, S607 - fixed commands (createdb, manage.py, gunicorn, wrk), no outside input
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/careteam_bench")
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
LATENCY_CONNECTIONS = int(os.environ.get("BENCH_LATENCY_CONNECTIONS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CLINICIAN = "synth_t_00001"
LARGE_TABLE = 10_000  # rows: a sequential scan of a bigger table fails the EXPLAIN check

# The server and this script share them: the session cookie must verify in the server.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "DATABASE_POOL": "true",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),  # throwaway, this run only
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP over loopback
    "REDIS_URL": "",
    # The seeded clinician has no authenticator: two-factor sign-in is not what is measured.
    "MFA_REQUIRED_ROLES": "",
}


def sh(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, check=check, text=True, capture_output=True
    )


def prepare_database() -> None:
    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    pg = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    if sh("createdb", *pg, name, check=False).returncode == 0:
        print(f"Created database {name}")
    env = {**SERVER_ENV, "DJANGO_SETTINGS_MODULE": "careteam.settings", "DATABASE_POOL": "false"}
    sh(str(BIN / "python"), "manage.py", "migrate", "--noinput", env=env)
    sh(str(BIN / "python"), "manage.py", "collectstatic", "--noinput", env=env)  # DEBUG off
    print(f"Seeding {PATIENTS} patients (or reusing them) ...", flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", "seed_synthetic", "--patients", str(PATIENTS), "--reuse"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        text=True,
    )
    print(f"Seed step: {time.monotonic() - started:.1f} s (exit {result.returncode})")


def sign_in() -> tuple[str, str, int]:
    """A token and a session cookie for the seeded clinician, and one of their patients."""
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from knox.models import AuthToken

    from careteam.models import User
    from patients import access as patient_access

    user = User.objects.get(username=CLINICIAN)
    _, token = AuthToken.objects.create(user=user)
    client = Client()
    client.force_login(user)
    patient_id = patient_access.team_patients(user).order_by("pk").values_list("pk", flat=True).first()
    if patient_id is None:
        raise SystemExit(f"{CLINICIAN} has no patients: seed the benchmark database again")
    return token, client.cookies["sessionid"].value, patient_id


def explain(paths: list[tuple[str, dict]]) -> list[str]:
    """EXPLAIN every SELECT the given requests run (in this process, on the seeded database) and
    return the sequential scans of tables with more than LARGE_TABLE rows."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from careteam.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=CLINICIAN))
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE_TABLE])
        large = {name for (name,) in cursor.fetchall()}
    found = []
    for path, headers in paths:
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path, **headers).status_code
        if status != 200:
            raise SystemExit(f"EXPLAIN check: {path} answers {status}")
        for query in captured:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in large:
                    found.append(f"{path}: sequential scan of {table}\n{query['sql'][:300]}")
    return found


def route(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
        return True
    except Resolver404:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "careteam.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return server
        except (urllib.error.URLError, OSError):  # refused, reset or timed out while booting
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def check(url: str, header: str) -> int:
    name, value = header.split(": ", 1)
    request = urllib.request.Request(url, headers={name: value})  # noqa: S310
    try:
        return urllib.request.urlopen(request, timeout=30).status  # noqa: S310
    except urllib.error.HTTPError as exc:
        return exc.code


def matched(match: re.Match[str] | None, what: str, text: str) -> re.Match[str]:
    """A regex match in wrk's output; stop the run, showing the output, when it is missing."""
    if match is None:
        raise SystemExit(f"no {what} in wrk's output:\n{text}")
    return match


def to_ms(text: str) -> float:
    value, unit = matched(re.fullmatch(r"([\d.]+)(us|ms|s|m)", text), "latency", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, header: str, connections: int, seconds: int) -> dict:
    threads = min(THREADS, connections)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", header, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    requests = int(matched(re.search(r"(\d+) requests in", out), "request count", out).group(1))
    # The "Latency Distribution" lines (--latency), e.g. "     50%   12.34ms".
    p50 = to_ms(matched(re.search(r"^\s+50%\s+(\S+)$", out, re.M), "p50", out).group(1))
    p99 = to_ms(matched(re.search(r"^\s+99%\s+(\S+)$", out, re.M), "p99", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": requests,
        "seconds": seconds,
        "p50": p50,
        "p99": p99,
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def combine(rounds: list[dict]) -> dict:
    """Requests/s over all rounds; the median of the rounds' p50 and the worst p99."""
    return {
        "rps": sum(r["requests"] for r in rounds) / sum(r["seconds"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": max(r["p99"] for r in rounds),
        "non2xx": sum(r["non2xx"] for r in rounds),
    }


def measure(base: str, targets: list, connections: int) -> dict:
    """ROUNDS rounds, each measuring every target in turn for DURATION / ROUNDS seconds, so
    that a slow spell of this shared machine falls on every target alike, not on one."""
    seconds = max(1, DURATION // ROUNDS)
    rounds: dict[str, list[dict]] = {label: [] for label, *_ in targets}
    for number in range(1, ROUNDS + 1):
        print(f"  round {number}/{ROUNDS}: {connections} connections, {seconds} s per target", flush=True)
        for label, path, auth, _target in targets:
            rounds[label].append(wrk(base + path, auth, connections, seconds))
    return {label: combine(found) for label, found in rounds.items()}


def report(title: str, targets: list, results: dict, goals: str) -> None:
    baseline = results[targets[0][0]]
    print(f"\n{title}")
    print(f"{'target':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x plain':>9}  goal")
    for label, _path, _auth, target in targets:
        r = results[label]
        ratio = r["rps"] / baseline["rps"]
        goal = ""
        if target and target[0] == "rps_ratio" and goals == "rps_ratio":
            goal = f">= {target[1]}x plain: {'met' if ratio >= target[1] else 'NOT met'}"
        elif target and target[0] == "p50_ms" and goals == "p50_ms":
            goal = f"p50 <= {target[1]:.0f} ms: {'met' if r['p50'] <= target[1] else 'NOT met'}"
        bad = f"  ({r['non2xx']} non-2xx)" if r["non2xx"] else ""
        print(f"{label:<28}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{ratio:>9.2f}  {goal}{bad}")


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    prepare_database()
    token, session, patient_id = sign_in()
    api_auth, page_auth = f"Authorization: Token {token}", f"Cookie: sessionid={session}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("plain DRF list (baseline)", "/bench/plain-patients/", api_auth, None),
        ("caseload API", "/api/v1/caseload/", api_auth, ("rps_ratio", 0.6)),
        ("caseload page", "/caseload/", page_auth, ("rps_ratio", 0.5)),
        ("patient timeline", f"/patients/{patient_id}/timeline/", page_auth, ("p50_ms", 50.0)),
    ]
    server = start_server(port)
    try:
        for label, path, auth, _target in targets:
            status = check(base + path, auth) if route(path) else 404
            if status != 200:
                raise SystemExit(f"{label}: {path} answers {status}, not 200")
        for _label, path, auth, _target in targets:  # warm both workers
            wrk(base + path, auth, 2, 1)
        print("Throughput: the server kept busy (requests/s and the ratios to the plain list)")
        throughput = measure(base, targets, CONNECTIONS)
        print("Latency: one request in flight per worker (p50/p99 of a request served at once)")
        latency = measure(base, targets, LATENCY_CONNECTIONS)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"\n{PATIENTS} patients; gunicorn 2 workers, pooled connections, DEBUG off; wrk over "
        f"loopback, {ROUNDS} interleaved rounds, {DURATION} s per target in each table"
    )
    report(f"Throughput, {CONNECTIONS} connections", targets, throughput, "rps_ratio")
    report(f"Latency, {LATENCY_CONNECTIONS} connections (one per worker)", targets, latency, "p50_ms")
    views = [
        (path, {"HTTP_AUTHORIZATION": auth.split(": ", 1)[1]} if "Token" in auth else {})
        for _label, path, auth, _target in targets[1:]
    ]
    views += [
        ("/caseload/review/", {}),
        (
            "/api/v1/caseload/?ordering=-weeks&overdue=true",
            {"HTTP_AUTHORIZATION": api_auth.split(": ", 1)[1]},
        ),
        ("/metrics/", {}),
    ]
    scans = explain(views)
    print(
        f"\nEXPLAIN of every query of {len(views)} views: "
        + (f"no sequential scan of a table over {LARGE_TABLE:,} rows" if not scans else "\n".join(scans))
    )


if __name__ == "__main__":
    main()
