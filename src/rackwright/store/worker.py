"""Background plan runs: a supervisor thread in the server, one child process per run.

The child opens its own database connection, runs the plan function (``execute_plan`` unless a
test names another), reports progress and a heartbeat, and stores the outcome. The supervisor
waits for it: a child that dies without finishing (killed, out of memory, crashed) has its run
marked failed. A child whose server died stops and marks its run failed itself; a run whose
child and server both died is marked failed by the next server's stale-heartbeat sweep.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

from rackwright.errors import RackwrightError
from rackwright.store import run_queue
from rackwright.store.database import Database
from rackwright.store.runs import PlanOutcome, PlanRunInputs, Progress

DEFAULT_PLAN_FUNCTION = "rackwright.store.runs:execute_plan"
PlanFunction = Callable[[PlanRunInputs, Progress | None], PlanOutcome]


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": kind, "message": message, "file": None, "line": None, "field": None}


def load_plan_function(path: str) -> PlanFunction:
    """``module:function`` -> the function."""
    module, _, name = path.partition(":")
    function: PlanFunction = getattr(importlib.import_module(module), name)
    return function


def _beat_until(db: Database, run_id: str, stop: threading.Event, parent: int) -> None:
    """Heartbeat thread: beat, and end the process if the server that started it is gone."""
    while not stop.wait(run_queue.HEARTBEAT_SECONDS):
        if os.getppid() != parent:
            with db.write() as session:
                run_queue.fail(
                    session,
                    run_id,
                    _error("RunInterrupted", "the server stopped while the run was in progress"),
                )
            os._exit(3)
        with db.write() as session:
            run_queue.heartbeat(session, run_id)


def run_in_child(url: str, run_id: str, plan_function: str, parent: int) -> None:
    """Entry point of the run's child process."""
    db = Database(url)
    stop = threading.Event()
    threading.Thread(target=_beat_until, args=(db, run_id, stop, parent), daemon=True).start()
    try:
        with db.read() as session:
            inputs = run_queue.load_inputs(session, run_id)

        def progress(stage: str, done: int, total: int) -> None:
            with db.write() as session:
                run_queue.report_progress(session, run_id, stage, done, total)

        outcome = load_plan_function(plan_function)(inputs, progress)
        with db.write() as session:
            run_queue.finish(session, run_id, outcome)
    except RackwrightError as exc:
        with db.write() as session:
            run_queue.fail(session, run_id, exc.to_dict())
    except Exception as exc:  # an engine bug: the run fails with its type, the log gets the trace
        traceback.print_exc()
        with db.write() as session:
            run_queue.fail(session, run_id, _error("InternalError", f"the plan failed: {exc!r}"))
    finally:
        stop.set()
        db.dispose()


class RunSupervisor:
    """Claims queued runs one at a time and runs each in a child process."""

    def __init__(
        self,
        db: Database,
        plan_function: str = DEFAULT_PLAN_FUNCTION,
        poll_seconds: float = 1.0,
        stale_seconds: float = run_queue.STALE_SECONDS,
    ) -> None:
        self.db = db
        self.plan_function = plan_function
        self.poll_seconds = poll_seconds
        self.stale_seconds = stale_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        """Sweep stale runs and start the supervisor thread."""
        self._thread = threading.Thread(target=self._loop, name="rackwright-runs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A run was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread; a run in progress is terminated and marked failed."""
        self._stop.set()
        self._wake.set()
        child = self._child
        if child is not None and child.is_alive():
            child.terminate()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self.db.write() as session:
                run_queue.fail_stale(session, self.stale_seconds)
                run_id = run_queue.claim_next(session)
            if run_id is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            self._run(run_id)

    def _run(self, run_id: str) -> None:
        context = multiprocessing.get_context("spawn")
        child = context.Process(
            target=run_in_child,
            args=(self.db.url, run_id, self.plan_function, os.getpid()),
            name=f"rackwright-run-{run_id[:8]}",
        )
        self._child = child
        child.start()
        child.join()
        self._child = None
        if child.exitcode != 0:
            with self.db.write() as session:
                run_queue.fail(
                    session,
                    run_id,
                    _error("RunCrashed", f"the run's process exited with code {child.exitcode}"),
                )
