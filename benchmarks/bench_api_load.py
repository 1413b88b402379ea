"""The service under load on loopback: read endpoints at a fixed rate, then concurrent writers.

1. Open-loop reads: requests are scheduled at a fixed rate (default 200/s for 60 s, bounded to
   ``rate x seconds`` requests) across a mix of read endpoints, sent by a pool of threads with
   keep-alive connections. Latency is measured from each request's *scheduled* time, so a slow
   server cannot hide queueing delay (no coordinated omission). Reports p50/p90/p99/max and errors.
2. Concurrent writers: WRITERS threads each save REVISIONS scenario revisions as fast as they
   can on SQLite; counts any error, and any "database is locked" text, that reaches a client.

``python -m benchmarks.bench_api_load [SECONDS [RATE]]`` (the server is ``rackwright serve`` in
its own process on a temporary SQLite database).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rackwright.scenario import default_scenario_text
from rackwright.store import accounts, documents
from rackwright.store.actor import Actor
from rackwright.store.database import Database
from rackwright.store.migrate import upgrade

CLIENT_THREADS = 32
WRITERS = 20
REVISIONS = 25


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _seed(url: str) -> tuple[str, list[str]]:
    """Two orgs, a lab planner's token, shared and confidential scenarios; returns read paths."""
    db = Database(url)
    upgrade(db)
    text = default_scenario_text()
    with db.write() as session:
        lab = accounts.create_org(session, "bench-lab", "lab")
        accounts.create_org(session, "bench-mfg", "manufacturer")
        user, token = accounts.create_user(session, lab, "bench", "planner")
        actor = Actor(user.id, user.name, lab.id, lab.name, "lab", "planner", "bench")
        ids = [
            documents.create_document(
                session, actor, "scenario", f"s{i}", text, "shared" if i % 2 else "lab-confidential"
            )[0].id
            for i in range(20)
        ]
    db.dispose()
    paths = ["/api/health", "/api/v1/scenarios?limit=20", "/api/v1/me"]
    paths += [f"/api/v1/scenarios/{i}" for i in ids[:4]]
    paths += [f"/api/v1/scenarios/{ids[1]}/revisions/1", f"/api/v1/scenarios/{ids[1]}/revisions"]
    return token, paths


def _start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "rackwright.cli.app",
        "serve",
        "--port",
        str(port),
        "--database",
        url,
    ]
    with log.open("ab") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=handle)
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "no samples"

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (
        f"p50 {at(0.50):.1f} ms, p90 {at(0.90):.1f} ms, p99 {at(0.99):.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


def read_load(
    port: int, token: str, paths: list[str], seconds: float, rate: float
) -> dict[str, Any]:
    """Open-loop reads at ``rate`` per second for ``seconds``; latency from the scheduled time."""
    total = int(seconds * rate)
    start = time.perf_counter() + 0.5
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Bearer {token}"}
        while True:
            with lock:
                index = state["next"]
                state["next"] += 1
            if index >= total:
                return
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("GET", paths[index % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError as exc:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, response = False, None
                errors.append(repr(exc))
            elapsed = time.perf_counter() - scheduled
            with lock:
                latencies.append(elapsed)
                if not ok and response is not None:
                    errors.append(f"{response.status}")

    threads = [threading.Thread(target=worker) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "wall_s": wall,
        "achieved_rate": len(latencies) / wall,
        "latency": _percentiles(latencies),
    }


def concurrent_writers(port: int, token: str, scenario_id: str) -> dict[str, Any]:
    """WRITERS threads saving revisions of one scenario at once, as fast as they can."""
    text = default_scenario_text()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        barrier.wait()
        for sequence in range(REVISIONS):
            body = json.dumps({"toml": text, "message": f"writer {number} save {sequence}"})
            began = time.perf_counter()
            connection.request("POST", f"/api/v1/scenarios/{scenario_id}/revisions", body, headers)
            response = connection.getresponse()
            payload = response.read().decode()
            with lock:
                latencies.append(time.perf_counter() - began)
                if response.status != 201:
                    failures.append(f"{response.status} {payload[:120]}")

    began = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    wall = time.perf_counter() - began
    locked = sum("locked" in f for f in failures)
    return {
        "writes": len(latencies),
        "failures": len(failures),
        "database_is_locked": locked,
        "writes_per_s": len(latencies) / wall,
        "latency": _percentiles(latencies),
    }


def main(argv: list[str] | None = None) -> None:
    """Start a server on a temporary SQLite database, run both loads, print the figures."""
    args = sys.argv[1:] if argv is None else argv
    seconds = float(args[0]) if args else 60.0
    rate = float(args[1]) if len(args) > 1 else 200.0
    with tempfile.TemporaryDirectory(prefix="rackwright-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        token, paths = _seed(url)
        port = _free_port()
        server = _start_server(url, port, Path(tmp) / "server.log")
        try:
            reads = read_load(port, token, paths, seconds, rate)
            print(
                f"reads: {reads['requests']} requests at {rate:g}/s scheduled for {seconds:g} s "
                f"(achieved {reads['achieved_rate']:.1f}/s over {len(paths)} endpoints): "
                f"{reads['errors']} errors; {reads['latency']}",
                flush=True,
            )
            scenario_id = paths[3].rsplit("/", 1)[-1]
            writes = concurrent_writers(port, token, scenario_id)
            print(
                f"writers: {WRITERS} threads x {REVISIONS} revisions = {writes['writes']} "
                f"writes, {writes['failures']} failures ({writes['database_is_locked']} "
                f"'database is locked'), {writes['writes_per_s']:.1f} writes/s; "
                f"{writes['latency']}",
                flush=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
        if os.environ.get("RACKWRIGHT_BENCH_LOG"):
            print((Path(tmp) / "server.log").read_text()[-3000:])


if __name__ == "__main__":
    main()
