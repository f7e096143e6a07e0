"""The API's request and response bodies (``XCreate / XUpdate / XPublic``), all declared as
response models (PERFORMANCE.md: serialising through a declared model is ~7× faster)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from luodi.domain.enums import ItemStatus, Priority

_FORBIDDEN = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)}


def _printable(value: str) -> str:
    """Refuse NUL and other control characters and lone surrogates (no database can store them)."""
    if any(ch in _FORBIDDEN or "\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("contains control characters or invalid Unicode")
    return value


Text = Annotated[str, AfterValidator(_printable)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ItemPublic(BaseModel):
    id: int
    code: str = Field(description="T001 … (per project)")
    title: str
    owner: str = Field(description="The owner's name")
    owner_id: int
    start: date | None
    due: date
    deliverable: str | None
    status: ItemStatus
    priority: Priority
    acceptance: str | None
    depends_on: list[str] = Field(description="Codes of the items this one depends on")
    confirmed: bool = Field(description="The owner confirmed 收到并理解")
    meeting_id: int | None
    project_id: int
    parent_id: int | None = Field(description="Set for a subtask")
    version: int = Field(description="Also the ETag; send it back in If-Match to change the item")
    updated_at: datetime


class ItemList(BaseModel):
    items: list[ItemPublic]
    total: int = Field(description="Items under the filters (all pages)")
    limit: int
    offset: int


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=500)
    owner: Text = Field(min_length=1, max_length=100, description="A person's name in the directory")
    due: date
    start: date | None = None
    deliverable: Text | None = Field(None, max_length=500)
    priority: Priority = Priority.MEDIUM
    acceptance: Text | None = Field(None, max_length=5000)
    project_id: Id | None = Field(None, description="Required unless meeting_id or parent_id is given")
    meeting_id: Id | None = None
    parent_id: Id | None = Field(None, description="Create a subtask of this item")


class ItemUpdate(BaseModel):
    """Only the fields sent change; each change is audited."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = Field(None, min_length=1, max_length=500)
    owner: Text | None = Field(None, min_length=1, max_length=100)
    start: date | None = None
    due: date | None = None
    deliverable: Text | None = Field(None, max_length=500)
    priority: Priority | None = None
    acceptance: Text | None = Field(None, max_length=5000)
    status: ItemStatus | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ItemStatus


class ConfirmRequest(BaseModel):
    token: Text | None = Field(None, max_length=2000,
                               description="The owner's confirmation-link token; not needed with a bearer token")


class HistoryEntry(BaseModel):
    at: datetime
    who: str
    action: str
    field: str | None
    before: str | None
    after: str | None


class CommentPublic(BaseModel):
    id: int
    item_id: int
    author: str | None
    body: str
    created_at: datetime


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Text = Field(min_length=1, max_length=5000)


class PersonPublic(BaseModel):
    id: int
    name: str
    email: str | None
    phone: str | None
    supervisor: str | None
    language: str


class MeetingSummary(BaseModel):
    id: int
    title: str
    project: str
    starts_at: datetime
    sent_at: datetime | None
    items: int
    confirmed: int
    closed: bool


class MeetingList(BaseModel):
    meetings: list[MeetingSummary]
    limit: int
    offset: int


class NextMeeting(BaseModel):
    at: datetime | None
    place: str | None
    goal: str | None


class MeetingPublic(BaseModel):
    id: int
    title: str
    name: str | None
    project: str
    starts_at: datetime
    ends_at: datetime | None
    place: str | None
    organizer: str | None
    attendees: list[str]
    decisions: list[str]
    next_meeting: NextMeeting
    sent_at: datetime | None
    confirm_deadline: datetime | None
    closed_at: datetime | None


class MeetingImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    markdown: Text = Field(min_length=1, max_length=1_000_000, description="An action-list Markdown")
    project: Text | None = Field(None, max_length=200, description="Project name (default: the list's title)")
    dry_run: bool = Field(False, description="Lint and show, write nothing")


class Finding(BaseModel):
    line: int
    field: str
    message: str


class ImportedItem(BaseModel):
    id: int
    code: str
    title: str
    owner: str
    due: date
    status: ItemStatus
    depends_on: list[str]


class ImportResult(BaseModel):
    meeting_id: int | None = Field(description="None after a dry run or lint errors")
    errors: list[Finding]
    warnings: list[Finding]
    items: list[ImportedItem]


class ConfirmationRow(BaseModel):
    code: str
    owner: str
    confirmed: bool


class CallEntry(BaseModel):
    owner: str
    phone: str | None
    items: list[str]


class Confirmations(BaseModel):
    meeting_id: int
    sent_at: datetime | None
    deadline: datetime | None
    past_deadline: bool
    items: list[ConfirmationRow]
    call_list: list[CallEntry] = Field(description="After the deadline: owners to phone")


class Me(BaseModel):
    name: str
    person: str
    admin: bool
    language: str
    read_only: bool
    roles: dict[str, list[str]] = Field(description="Project id (or * for every project) → roles")
