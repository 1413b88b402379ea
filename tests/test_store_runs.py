"""Plan runs in the store (both backends): inputs hash, the run's life, the cross-wall views, and
a workspace that round-trips exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import plan_fakes
from conftest import BASE_SCENARIO, FIXTURE_CATALOG, edit
from rackwright.errors import InputError, NotFoundError
from rackwright.store import documents, run_queue, run_views
from rackwright.store.actor import Actor
from rackwright.store.database import Database
from rackwright.store.migrate import upgrade
from rackwright.store.models import Run
from rackwright.store.workspace import export_workspace, import_workspace

Actors = dict[tuple[str, str], Actor]


def _inputs(db: Database, lab: Actor, maker: Actor) -> tuple[str, str]:
    """A lab-confidential scenario that names a shared catalog override of the manufacturer."""
    with db.write() as session:
        _, catalog = documents.create_document(
            session, maker, "catalog", "catalog.toml", FIXTURE_CATALOG, "shared"
        )
        _, scenario = documents.create_document(
            session, lab, "scenario", "base", BASE_SCENARIO, "lab-confidential"
        )
        return scenario.id, catalog.id


def _run(db: Database, lab: Actor, scenario: str, catalog: str, classification: str) -> str:
    with db.write() as session:
        run = run_queue.create_run(session, lab, scenario, [catalog], classification)
        run_id = run.id
    with db.write() as session:
        assert run_queue.claim_next(session) == run_id
        assert run_queue.claim_next(session) is None
    with db.read() as session:
        inputs = run_queue.load_inputs(session, run_id)
    outcome = plan_fakes.quick_plan(inputs)
    with db.write() as session:
        assert run_queue.finish(session, run_id, outcome)
    return run_id


def _dump(view: run_views.StageView) -> str:
    return json.dumps(view.result)


def test_a_shared_run_shows_the_other_side_only_the_aggregates(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    lab, maker = actors[("lab", "planner")], actors[("manufacturer", "viewer")]
    scenario, catalog = _inputs(db, lab, actors[("manufacturer", "planner")])
    run_id = _run(db, lab, scenario, catalog, "shared")
    with db.read() as session:
        run = run_views.get_run(session, maker, run_id)
        owner_views = {v.key: v for v in run_views.stage_views(session, lab, run)}
        maker_views = {v.key: v for v in run_views.stage_views(session, maker, run)}
        scenario_ref, inputs = run_views.visible_inputs(session, maker, run)
        assert run_views.file_names(session, maker, run) == []
        with pytest.raises(NotFoundError):
            run_views.get_file(session, maker, run, "report.html")
        assert run_views.get_file(session, lab, run, "report.json").content.startswith(b"{")
    assert run.status == "succeeded"
    assert run_views.demand(run) == {"test-rack": {"2026Q3": 100, "2027Q1": 250}}
    assert scenario_ref is None  # the lab's confidential scenario stays hidden
    assert [i.name for i in inputs] == ["catalog.toml"]
    assert {v.access for v in owner_views.values()} == {"full"}
    assert "pretrain" in _dump(owner_views["workloads"])
    assert maker_views["workloads"].access == "aggregate"
    assert "pretrain" not in _dump(maker_views["workloads"])
    assert maker_views["rack"].access == "full"
    assert maker_views["bom"].access == "full"  # the manufacturer's own party
    # and the lab, viewing a shared run the manufacturer owns, sees aggregates of BOM/sourcing
    mrun = _run(
        db, actors[("manufacturer", "planner")], _shared_scenario(db, lab), catalog, "shared"
    )
    with db.read() as session:
        views = {v.key: v for v in run_views.stage_views(session, lab, session.get(Run, mrun))}
    bom, sourcing = _dump(views["bom"]), _dump(views["sourcing"])
    for secret in (str(plan_fakes.SUPPLIER_PRICE), str(plan_fakes.SITE_CAPACITY), "of-x"):
        assert secret not in bom and secret not in sourcing
    assert views["bom"].result["data"]["generations"][0]["domestic_share"] == 0.45
    assert views["bom"].result["data"]["generations"][0]["cost_per_rack_usd"] == 3.5e6
    points = views["sourcing"].result["data"]["cost_curve"][0]["points"]
    assert points == [{"floor": 0.0, "status": "optimal", "cost_per_rack_usd": 3.6e6}]
    assert views["workloads"].access == "full"


def _shared_scenario(db: Database, lab: Actor) -> str:
    with db.write() as session:
        _, rev = documents.create_document(
            session, lab, "scenario", "agreed", BASE_SCENARIO, "shared"
        )
        return rev.id


def test_a_confidential_run_is_invisible_and_runs_need_visible_inputs(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    lab, maker = actors[("lab", "planner")], actors[("manufacturer", "planner")]
    scenario, catalog = _inputs(db, lab, maker)
    run_id = _run(db, lab, scenario, catalog, "lab-confidential")
    with db.read() as session:
        with pytest.raises(NotFoundError):
            run_views.get_run(session, maker, run_id)
        assert run_queue.list_runs(session, maker) == []
    with pytest.raises(NotFoundError), db.write() as session:  # the lab's scenario, for the maker
        run_queue.create_run(session, maker, scenario, [], "shared")
    with pytest.raises(InputError), db.write() as session:  # a catalog is not a scenario
        run_queue.create_run(session, lab, catalog, [], "shared")


def test_the_inputs_hash_follows_the_inputs(store_world: tuple[Database, Actors]) -> None:
    db, actors = store_world
    lab = actors[("lab", "planner")]
    scenario, catalog = _inputs(db, lab, actors[("manufacturer", "planner")])
    with db.write() as session:
        first = run_queue.create_run(session, lab, scenario, [catalog], "shared").inputs_hash
        again = run_queue.create_run(session, lab, scenario, [catalog], "shared").inputs_hash
        doc, _ = documents.revision_by_id(session, lab, scenario)
        _, changed = documents.add_revision(
            session, lab, "scenario", doc.id, edit(BASE_SCENARIO, "racks = 250", "racks = 251")
        )
        other = run_queue.create_run(session, lab, changed.id, [catalog], "shared").inputs_hash
    assert first == again != other
    assert len(first) == 64


def test_a_run_whose_worker_stopped_beating_is_marked_failed(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    lab = actors[("lab", "planner")]
    scenario, catalog = _inputs(db, lab, actors[("manufacturer", "planner")])
    with db.write() as session:
        run_id = run_queue.create_run(session, lab, scenario, [catalog], "shared").id
    with db.write() as session:
        run_queue.claim_next(session)
        assert run_queue.fail_stale(session, older_than_s=3600) == []
        assert run_queue.fail_stale(session, older_than_s=0) == [run_id]
    with db.read() as session:
        run = run_views.get_run(session, lab, run_id)
        assert run.status == "failed"
        assert json.loads(run.error_json or "{}")["error"] == "RunInterrupted"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_workspace_export_import_export_is_byte_identical(
    store_world: tuple[Database, Actors], tmp_path: Path
) -> None:
    db, actors = store_world
    lab = actors[("lab", "planner")]
    scenario, catalog = _inputs(db, lab, actors[("manufacturer", "planner")])
    _run(db, lab, scenario, catalog, "shared")
    with db.read() as session:
        export_workspace(session, tmp_path / "first")
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    with fresh.write() as session:
        import_workspace(session, tmp_path / "first")
    with fresh.read() as session:
        export_workspace(session, tmp_path / "second")
    first, second = _tree(tmp_path / "first"), _tree(tmp_path / "second")
    assert first == second
    assert any(
        name.endswith("r0001.toml") and text == BASE_SCENARIO.encode()
        for name, text in first.items()
    )
    assert any(name.endswith("files/report.html") for name in first)
    with pytest.raises(Exception, match="already holds"), fresh.write() as session:
        import_workspace(session, tmp_path / "first")  # a second import: nothing is duplicated
    fresh.dispose()
