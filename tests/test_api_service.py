"""The service as a script would use it: tokens, roles, the audit log, and the admin commands."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api_seed import scenario_text
from conftest import RunCli
from platform_support import World
from rackwright.api.app import Settings, create_app
from rackwright.store.migrate import head_revision

ERROR_KEYS = {"error", "message", "file", "line", "field"}


def test_health_needs_no_token_and_everything_else_does(client: TestClient, world: World) -> None:
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["database"] == "sqlite"
    for headers in (
        {},
        {"Authorization": "Bearer rw_0123456789abcdef_nope"},
        {"Authorization": "Bearer garbage"},
        {"Authorization": "Basic eDp5"},
    ):
        answer = client.get("/api/v1/scenarios", headers=headers)
        assert answer.status_code == 401, headers
        assert set(answer.json()) == ERROR_KEYS
        assert answer.headers["www-authenticate"] == "Bearer"
    me = client.get("/api/v1/me", headers=world.headers("lab", "viewer")).json()
    assert me == {
        "user_id": me["user_id"],
        "user": "lab-viewer",
        "org": "acme-lab",
        "org_kind": "lab",
        "role": "viewer",
    }


def test_viewers_cannot_write_and_only_admins_manage_users(
    client: TestClient, world: World
) -> None:
    body = {"name": "s", "toml": scenario_text("s"), "classification": "shared"}
    denied = client.post("/api/v1/scenarios", headers=world.headers("lab", "viewer"), json=body)
    assert denied.status_code == 403 and denied.json()["error"] == "PermissionDeniedError"
    assert client.get("/api/v1/scenarios", headers=world.headers("lab", "viewer")).json() == []
    for role in ("viewer", "planner"):
        answer = client.post(
            "/api/v1/users",
            headers=world.headers("lab", role),
            json={"name": "x", "role": "viewer"},
        )
        assert answer.status_code == 403
    made = client.post(
        "/api/v1/users",
        headers=world.headers("lab", "admin"),
        json={"name": "newcomer", "role": "planner"},
    )
    assert made.status_code == 201
    token = made.json()["token"]
    fresh = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=fresh).json()["role"] == "planner"
    listed = client.get("/api/v1/users", headers=world.headers("lab", "admin")).json()
    assert "newcomer" in {u["name"] for u in listed}
    assert all("token" not in u for u in listed)
    user_id = made.json()["user"]["id"]
    disabled = client.post(
        f"/api/v1/users/{user_id}/disable", headers=world.headers("lab", "admin")
    )
    assert disabled.json()["disabled"] is True
    assert client.get("/api/v1/me", headers=fresh).status_code == 401


def test_the_audit_log_records_writes_and_confidential_reads_for_the_owners_admins(
    client: TestClient, world: World
) -> None:
    body = {"name": "secret", "toml": scenario_text("s"), "classification": "lab-confidential"}
    doc = client.post(
        "/api/v1/scenarios", headers=world.headers("lab", "planner"), json=body
    ).json()["document"]
    client.get(f"/api/v1/scenarios/{doc['id']}", headers=world.headers("lab", "viewer"))
    client.get(f"/api/v1/scenarios/{doc['id']}/revisions/1", headers=world.headers("lab", "viewer"))
    events = client.get("/api/v1/audit", headers=world.headers("lab", "admin")).json()
    lines = [(e["actor"], e["action"], e["resource_id"]) for e in events]
    assert ("lab-planner@acme-lab", "create", doc["id"]) in lines
    assert lines.count(("lab-viewer@acme-lab", "read", doc["id"])) == 2
    assert all(e["client"] == "testclient" for e in events)
    later = client.get(
        "/api/v1/audit", headers=world.headers("lab", "admin"), params={"after": events[-1]["id"]}
    ).json()
    assert later == []
    maker = client.get("/api/v1/audit", headers=world.headers("manufacturer", "admin")).json()
    assert doc["id"] not in str(maker)
    assert client.get("/api/v1/audit", headers=world.headers("lab", "planner")).status_code == 403


def test_admin_commands_work_against_the_database_serve_uses(cli: RunCli, sqlite_url: str) -> None:
    created = cli("admin", "org", "create", "acme", "--kind", "lab", "--database", sqlite_url)
    assert created.code == 0, created.err
    bad_kind = cli("admin", "org", "create", "x", "--kind", "bank", "--database", sqlite_url)
    assert bad_kind.code == 2 and "kind" in bad_kind.err
    made = cli(
        "admin",
        "user",
        "create",
        "--org",
        "acme",
        "--role",
        "admin",
        "--name",
        "ada",
        "--database",
        sqlite_url,
    )
    assert made.code == 0, made.err
    lines = made.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rw_")
    unknown = cli(
        "admin",
        "user",
        "create",
        "--org",
        "nope",
        "--role",
        "admin",
        "--name",
        "b",
        "--database",
        sqlite_url,
    )
    assert unknown.code == 2 and "no organization" in unknown.err
    listed = cli("admin", "user", "list", "--org", "acme", "--database", sqlite_url)
    assert lines[0] not in listed.out  # the token is shown once, at creation only
    app = create_app(Settings(database_url=sqlite_url, run_plans=False))
    with TestClient(app) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {lines[0]}"})
        assert me.json()["user"] == "ada" and me.json()["role"] == "admin"


def test_db_upgrade_creates_the_schema_and_serve_refuses_an_old_one(
    cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "new.db"
    refused = cli("admin", "org", "list", "--database", str(path))
    assert refused.code == 2 and "rackwright db upgrade" in refused.err
    first = cli("db", "upgrade", "--database", str(path))
    head = head_revision()
    assert first.code == 0 and f"migrated empty -> {head}" in first.out
    again = cli("db", "upgrade", "--database", str(path))
    assert f"already at migration {head}" in again.out
    assert cli("db", "upgrade", "--database", "mysql://x/y").code == 2


def test_workspace_commands_round_trip_and_refuse_a_non_empty_directory(
    cli: RunCli, client: TestClient, world: World, tmp_path: Path
) -> None:
    body = {"name": "s", "toml": scenario_text("s"), "classification": "shared"}
    client.post("/api/v1/scenarios", headers=world.headers("lab", "planner"), json=body)
    out = tmp_path / "ws"
    assert cli("workspace", "export", out, "--database", world.url).code == 0
    again = cli("workspace", "export", out, "--database", world.url)
    assert again.code == 2 and "not empty" in again.err
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert cli("db", "upgrade", "--database", fresh).code == 0
    assert cli("workspace", "import", out, "--database", fresh).code == 0
    assert cli("workspace", "export", tmp_path / "ws2", "--database", fresh).code == 0
    first = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert first == sorted(p.relative_to(tmp_path / "ws2") for p in (tmp_path / "ws2").rglob("*"))
    twice = cli("workspace", "import", out, "--database", fresh)
    assert twice.code == 2 and "already holds" in twice.err
