"""The store's tables (SQLAlchemy 2 declarative models).

Every record either side owns (documents, runs, evaluations) carries ``owner_org_id`` and
``classification``; ``rackwright.store.wall`` is the one place that turns them into what a caller
may see. Revisions and audit events are immutable: database triggers (in the migration) refuse
UPDATE and DELETE on them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rackwright.store.types import UTCDateTime, new_id, utc_now

ORG_KINDS = ("lab", "manufacturer")
ROLES = ("viewer", "planner", "admin")
CLASSIFICATIONS = ("lab-confidential", "manufacturer-confidential", "shared")
DOCUMENT_KINDS = ("scenario", "catalog", "bom", "tariffs")
RUN_STATUSES = ("queued", "running", "succeeded", "failed")
EVALUATION_STATUSES = ("pending", "accepted", "rejected")

ID = String(32)
NAME = String(100)

# Stable constraint names, so migrations can refer to them on both backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Org(Base):
    """An organization: the lab or the manufacturer."""

    __tablename__ = "orgs"
    __table_args__ = (CheckConstraint(_one_of("kind", ORG_KINDS), name="kind"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(NAME, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class User(Base):
    """A person or script acting for one organization, with one role."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_one_of("role", ROLES), name="role"),
        UniqueConstraint("org_id", "name", name="uq_users_org_name"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id"))
    name: Mapped[str] = mapped_column(NAME)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiToken(Base):
    """An API token: a public lookup id and the argon2 hash of its secret part."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Document(Base):
    """A versioned input file: a scenario, catalog override, BOM file or tariff file."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_one_of("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint(_one_of("classification", CLASSIFICATIONS), name="classification"),
        UniqueConstraint("owner_org_id", "kind", "name", name="uq_documents_owner_kind_name"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(NAME)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    classification: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    head_number: Mapped[int] = mapped_column(Integer, default=0)


class Revision(Base):
    """One immutable saved version of a document's text."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_revisions_doc_number"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    message: Mapped[str] = mapped_column(Text, default="")
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Evaluation(Base):
    """An early-access evaluation record: delivered units, a metric measured against predicted."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(_one_of("classification", CLASSIFICATIONS), name="classification"),
        CheckConstraint(_one_of("status", EVALUATION_STATUSES), name="status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    classification: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(NAME)
    rack: Mapped[str] = mapped_column(NAME)
    delivered_units: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(NAME)
    unit: Mapped[str] = mapped_column(String(40))
    predicted: Mapped[float] = mapped_column(Float)
    measured: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Run(Base):
    """A plan run of a scenario revision, with its inputs' hash, progress and outcome."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(_one_of("classification", CLASSIFICATIONS), name="classification"),
        CheckConstraint(_one_of("status", RUN_STATUSES), name="status"),
        Index("ix_runs_status", "status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    classification: Mapped[str] = mapped_column(String(40))
    scenario_revision_id: Mapped[str] = mapped_column(ForeignKey("revisions.id"))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    rackwright_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    stages_total: Mapped[int] = mapped_column(Integer, default=0)
    stages_done: Mapped[int] = mapped_column(Integer, default=0)
    current_stage: Mapped[str | None] = mapped_column(String(60), nullable=True)
    error_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    demand_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RunInput(Base):
    """A document revision a run used besides its scenario (catalog overrides, in order)."""

    __tablename__ = "run_inputs"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[str] = mapped_column(ForeignKey("revisions.id"))


class RunStage(Base):
    """One stage's result in a finished run: its report section as JSON, and its time."""

    __tablename__ = "run_stages"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float)


class RunFile(Base):
    """A report file a run wrote (report.html, report.json)."""

    __tablename__ = "run_files"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(60))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class WebSession(Base):
    """A signed-in browser session of the web pages, standing for one API token.

    ``id`` is the SHA-256 of the cookie's random secret (a leaked table opens no session). The
    session acts exactly as its token: a revoked token or disabled user ends it at once.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(Base):
    """One append-only audit line: who did what to which record, when, from where."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    actor_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(220))
    action: Mapped[str] = mapped_column(String(40))
    resource_kind: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


IMMUTABLE_TABLES = ("revisions", "audit_events")
