"""A whole workspace as plain files, and back: ``rackwright workspace export DIR`` / ``import DIR``.

    DIR/workspace.json                          format, orgs, users, evaluations, index
    DIR/documents/<kind>/<name>--<id>/document.json   the document and its revisions' records
    DIR/documents/<kind>/<name>--<id>/r0001.toml      each revision's text, byte for byte
    DIR/runs/<id>/run.json                      the run, its inputs
    DIR/runs/<id>/stages/<nn>-<key>.json        each stage's stored result
    DIR/runs/<id>/files/<name>                  report.html, report.json

Export then import into an empty database then export again gives identical files. API tokens
and the audit log stay in the database they belong to (a workspace holds planning data, not
secrets or another instance's history); imported users need new tokens (``admin user token``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from rackwright.errors import ConflictError, InputError
from rackwright.fileio import ensure_writable_dir
from rackwright.store.models import (
    Base,
    Document,
    Evaluation,
    Org,
    Revision,
    Run,
    RunFile,
    RunInput,
    RunStage,
    User,
)
from rackwright.store.types import UTCDateTime

FORMAT = "rackwright-workspace"
VERSION = 1
INDEX = "workspace.json"


def _row(record: Base, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record's columns as JSON values (datetimes in ISO 8601)."""
    out: dict[str, Any] = {}
    for column in inspect(type(record)).columns:
        if column.key in skip:
            continue
        value = getattr(record, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _record(model: type[Base], data: dict[str, Any], **extra: Any) -> Base:
    """A record from ``_row`` output."""
    values = dict(data, **extra)
    for column in inspect(model).columns:
        value = values.get(column.key)
        if isinstance(value, str) and isinstance(column.type, UTCDateTime):
            values[column.key] = datetime.fromisoformat(value)
    return model(**values)


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _write_exact(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _all(session: Session, model: type[Any], *order: Any) -> list[Any]:
    return list(session.scalars(select(model).order_by(*order)))


def export_workspace(session: Session, directory: Path) -> int:
    """Write every record to ``directory`` (which must be empty or new); returns files written.

    The files are written to a temporary directory beside it and renamed into place at the end,
    so a failed export leaves nothing behind.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError("the export directory exists and is not empty", file=directory)
    ensure_writable_dir(directory.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        files = _export_into(session, staging)
        if directory.exists():
            directory.rmdir()
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def _export_into(session: Session, directory: Path) -> int:
    files = 0
    docs_index = []
    for doc in _all(session, Document, Document.kind, Document.name, Document.id):
        folder = Path("documents") / doc.kind / f"{doc.name}--{doc.id}"
        revisions = _all(session, Revision, Revision.number)
        revisions = [r for r in revisions if r.document_id == doc.id]
        for rev in revisions:
            _write_exact(directory / folder / f"r{rev.number:04d}.toml", rev.content)
            files += 1
        _dump(
            directory / folder / "document.json",
            {
                "document": _row(doc),
                "revisions": [_row(r, skip=("content",)) for r in revisions],
            },
        )
        docs_index.append(folder.as_posix())
        files += 1
    runs_index = []
    for run in _all(session, Run, Run.created_at, Run.id):
        files += _export_run(session, run, directory / "runs" / run.id)
        runs_index.append(f"runs/{run.id}")
    _dump(
        directory / INDEX,
        {
            "format": FORMAT,
            "version": VERSION,
            "orgs": [_row(o) for o in _all(session, Org, Org.name)],
            "users": [_row(u) for u in _all(session, User, User.org_id, User.name)],
            "evaluations": [
                _row(e) for e in _all(session, Evaluation, Evaluation.created_at, Evaluation.id)
            ],
            "documents": docs_index,
            "runs": runs_index,
        },
    )
    return files + 1


def _export_run(session: Session, run: Run, folder: Path) -> int:
    inputs = [
        _row(i)
        for i in session.scalars(
            select(RunInput).where(RunInput.run_id == run.id).order_by(RunInput.position)
        )
    ]
    stages = list(
        session.scalars(
            select(RunStage).where(RunStage.run_id == run.id).order_by(RunStage.position)
        )
    )
    for stage in stages:
        _write_exact(
            folder / "stages" / f"{stage.position:02d}-{stage.key}.json", stage.result_json
        )
    run_files = list(
        session.scalars(select(RunFile).where(RunFile.run_id == run.id).order_by(RunFile.name))
    )
    for item in run_files:
        (folder / "files").mkdir(parents=True, exist_ok=True)
        (folder / "files" / item.name).write_bytes(item.content)
    _dump(
        folder / "run.json",
        {
            "run": _row(run),
            "inputs": inputs,
            "stages": [_row(s, skip=("result_json",)) for s in stages],
            "files": [_row(f, skip=("content",)) for f in run_files],
        },
    )
    return 1 + len(stages) + len(run_files)


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("workspace file missing", file=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a workspace JSON file: {exc}", file=path) from None


def _inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing paths that leave ``root``."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise InputError("a workspace path leaves the workspace directory", value=relative)
    return path


def import_workspace(session: Session, directory: Path) -> int:
    """Load a workspace written by ``export_workspace``; returns records added.

    Every id must be new to the database (ConflictError otherwise); nothing is written unless
    everything loads, since the caller commits one transaction.
    """
    index = _load(directory / INDEX)
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise InputError("not a rackwright workspace", file=directory / INDEX)
    if index.get("version") != VERSION:
        raise InputError(
            f"workspace version {index.get('version')!r} is not {VERSION}", file=directory / INDEX
        )
    records: list[Base] = [_record(Org, o) for o in index["orgs"]]
    records += [_record(User, u) for u in index["users"]]
    for folder in index["documents"]:
        records += _import_document(_inside(directory, folder))
    records += [_record(Evaluation, e) for e in index["evaluations"]]
    for folder in index["runs"]:
        records += _import_run(_inside(directory, folder))
    _refuse_existing(session, records)
    for record in records:
        session.add(record)
        session.flush()  # in dependency order: parents before the rows that refer to them
    return len(records)


def _import_document(folder: Path) -> list[Base]:
    data = _load(folder / "document.json")
    out: list[Base] = [_record(Document, data["document"])]
    for rev in data["revisions"]:
        path = folder / f"r{rev['number']:04d}.toml"
        try:
            content = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read revision text: {exc}", file=path) from None
        out.append(_record(Revision, rev, content=content))
    return out


def _import_run(folder: Path) -> list[Base]:
    data = _load(folder / "run.json")
    out: list[Base] = [_record(Run, data["run"])]
    out += [_record(RunInput, i) for i in data["inputs"]]
    for stage in data["stages"]:
        path = folder / "stages" / f"{stage['position']:02d}-{stage['key']}.json"
        out.append(_record(RunStage, stage, result_json=path.read_bytes().decode("utf-8")))
    for item in data["files"]:
        out.append(_record(RunFile, item, content=(folder / "files" / item["name"]).read_bytes()))
    return out


def _refuse_existing(session: Session, records: list[Base]) -> None:
    for record in records:
        identity = inspect(type(record)).primary_key_from_instance(record)
        key = identity[0] if len(identity) == 1 else tuple(identity)
        if session.get(type(record), key) is not None:
            raise ConflictError(
                f"the database already holds {type(record).__tablename__} "
                f"{key!r}: import into an empty database"
            )
