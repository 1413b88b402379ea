"""Crash safety on both backends: kill -9 the server during a stream of writes, start it again;
the store opens cleanly and every write the server acknowledged is there."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from platform_support import make_world
from rackwright.store.database import Database
from server_process import ServerProcess

WRITERS = 4
ACKS_BEFORE_KILL = 120


def _write_until_stopped(
    base: str, headers: dict[str, str], acked: list[str], stop: threading.Event, number: int
) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=10.0) as client:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            body = {
                "name": f"w{number}-{sequence}",
                "classification": "lab-confidential",
                "rack": "r",
                "delivered_units": sequence,
                "metric": "m",
                "unit": "u",
                "predicted": 1.0,
                "measured": 1.0,
            }
            try:
                answer = client.post("/api/v1/evaluations", json=body)
            except httpx.HTTPError:
                return  # the server is gone: this write was never acknowledged
            if answer.status_code == 201:
                acked.append(answer.json()["id"])


def test_every_acknowledged_write_survives_kill_9(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    world = make_world(db_url)
    headers = world.headers("lab", "planner")
    server = ServerProcess(db_url, tmp_path / "server.log")
    server.start()
    acked: list[str] = []
    stop = threading.Event()
    writers = [
        threading.Thread(target=_write_until_stopped, args=(server.base, headers, acked, stop, n))
        for n in range(WRITERS)
    ]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while len(acked) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # while the writers are still sending
        stop.set()
        for writer in writers:
            writer.join(timeout=20)
        assert len(acked) >= ACKS_BEFORE_KILL
        if backend == "sqlite":
            db = Database(db_url)
            with db.read() as session:
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            db.dispose()
        server.start()
        with httpx.Client(base_url=server.base, headers=headers, timeout=10.0) as client:
            listed = client.get("/api/v1/evaluations", params={"limit": 500}).json()
            stored = {item["id"] for item in listed}
            while len(listed) == 500:
                listed = client.get(
                    "/api/v1/evaluations", params={"limit": 500, "offset": len(stored)}
                ).json()
                stored |= {item["id"] for item in listed}
            missing = [i for i in acked if i not in stored]
            assert not missing, f"{len(missing)} of {len(acked)} acknowledged writes lost"
            assert client.get(f"/api/v1/evaluations/{acked[-1]}").status_code == 200
    finally:
        stop.set()
        server.stop()
