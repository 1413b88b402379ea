"""Request and response bodies of the service (pydantic); every route names its response model."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Classification = Literal["lab-confidential", "manufacturer-confidential", "shared"]
Role = Literal["viewer", "planner", "admin"]
# Assumption: 1 MB of TOML is far above any scenario or catalog file (the default catalog's
# largest file is ~40 kB); the request body limit (api/limits.py) is a little above it.
MAX_TOML = 1_000_000
Name = Field(min_length=1, max_length=100)
RecordId = Field(min_length=1, max_length=64)


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """The one error shape of every 4xx and 5xx (``RackwrightError.to_dict()``, as the CLI)."""

    error: str
    message: str
    file: str | None
    line: int | None
    field: str | None


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str


class Me(BaseModel):
    user_id: str | None
    user: str
    org: str
    org_kind: Literal["lab", "manufacturer"]
    role: Role


class OrgOut(BaseModel):
    id: str
    name: str
    kind: Literal["lab", "manufacturer"]


class UserCreate(Body):
    name: str = Name
    role: Role


class UserOut(BaseModel):
    id: str
    name: str
    role: Role
    org: str
    created_at: datetime
    disabled: bool


class UserToken(BaseModel):
    """A user with a new API token: shown once, stored only as a hash."""

    user: UserOut
    token: str


class DocumentCreate(Body):
    name: str = Name
    toml: str = Field(max_length=MAX_TOML)
    classification: Classification
    message: str = Field(default="", max_length=2000)


class RevisionCreate(Body):
    toml: str = Field(max_length=MAX_TOML)
    message: str = Field(default="", max_length=2000)
    based_on: int | None = Field(default=None, ge=1, le=1_000_000)


class RevisionOut(BaseModel):
    id: str
    number: int
    sha256: str
    author: str
    created_at: datetime
    message: str
    based_on: int | None
    stale: bool = Field(description="saved over an older revision than the head at the time")


class RevisionDetail(RevisionOut):
    toml: str


class DocumentOut(BaseModel):
    id: str
    kind: Literal["scenario", "catalog", "bom", "tariffs"]
    name: str
    owner_org: str
    classification: Classification
    created_at: datetime
    head_revision: int


class DocumentSaved(BaseModel):
    document: DocumentOut
    revision: RevisionOut


class FieldChangeOut(BaseModel):
    field: str
    change: Literal["added", "removed", "changed"]
    old: Any
    new: Any


class DiffOut(BaseModel):
    document_id: str
    from_revision: int
    to_revision: int
    changes: list[FieldChangeOut]


class RunCreate(Body):
    scenario_revision_id: str = RecordId
    input_revision_ids: list[str] = Field(default_factory=list, max_length=20)
    classification: Classification


class InputRefOut(BaseModel):
    revision_id: str
    kind: str
    name: str
    number: int


class Progress(BaseModel):
    stages_done: int
    stages_total: int
    current_stage: str | None


class RunOut(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    owner_org: str
    classification: Classification
    scenario_revision: InputRefOut | None
    inputs: list[InputRefOut]
    inputs_hash: str
    rackwright_version: str
    progress: Progress
    error: ErrorBody | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    files: list[str]
    demand: dict[str, dict[str, int]] = Field(description="racks per quarter per rack design")


class StageOut(BaseModel):
    key: str
    title: str
    seconds: float
    access: Literal["full", "aggregate", "withheld"]
    summary: list[str]
    data: dict[str, Any]
    notes: list[str]


class RunCompare(BaseModel):
    from_run: str
    to_run: str
    stages: dict[str, list[FieldChangeOut]]


class EvaluationCreate(Body):
    name: str = Name
    classification: Classification
    rack: str = Name
    delivered_units: int = Field(ge=0, le=10_000_000)
    metric: str = Name
    unit: str = Field(min_length=1, max_length=40)
    predicted: float = Field(allow_inf_nan=False)
    measured: float = Field(allow_inf_nan=False)
    status: Literal["pending", "accepted", "rejected"] = "pending"
    notes: str = Field(default="", max_length=10_000)


class EvaluationOut(BaseModel):
    id: str
    owner_org: str
    classification: Classification
    name: str
    rack: str
    delivered_units: int
    metric: str
    unit: str
    predicted: float
    measured: float
    error_fraction: float | None = Field(description="(measured - predicted) / predicted")
    status: Literal["pending", "accepted", "rejected"]
    notes: str
    created_at: datetime


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    resource_kind: str
    resource_id: str
    client: str
    detail: str
