"""Request and response bodies of the follow-up API (/api/v1): FollowUpX, BlockerX, … (XCreate/XPublic)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator

from luodi.web.api.schemas import _printable


class _Request(BaseModel):
    """A request body: every text refuses NUL and other control characters (PostgreSQL cannot
    store NUL: without this, such a request would fail inside the database instead of naming the field)."""

    @field_validator("*", mode="after")
    @classmethod
    def _printable_text(cls, value: object) -> object:
        if isinstance(value, str):
            return _printable(value)
        if isinstance(value, list):
            return [_printable(v) if isinstance(v, str) else v for v in value]
        if isinstance(value, dict):
            return {k: _printable(v) if isinstance(v, str) else v for k, v in value.items()}
        return value


class FollowUpIntervention(BaseModel):
    cause: str = Field(description="waiting_on_dependency | unclear_requirement | low_priority")
    response: str = Field(description="partial_handover | clarify | escalate")
    who: list[str] = Field(description="Predecessor owners, or the supervisor")
    likely: bool = Field(description="The facts point at this cause")
    text: str = Field(description="The response in words, in the request's language")


class FollowUpPublic(BaseModel):
    id: int | None = Field(description="The stored follow-up's id; null until it is marked done")
    key: str = Field(description="The entry's key for the day (item-12-2026-09-28), for …/followups/{key}/done")
    item: str = Field(description="The item's code, T001")
    owner: str
    reason: str = Field(description="blocker | unconfirmed | at_risk | overdue | not_started | due_soon | "
                                    "first_time | cadence")
    channel: str = Field(description="phone | in_person | im | email | meeting")
    message: str = Field(description="Ready to copy or send, in the owner's language")
    reasons: list[str]
    reason_text: str
    title: str
    due: str
    status: str = Field(description="open | done")
    done: bool
    outcome: str | None
    blocker: int | None
    interventions: list[FollowUpIntervention]


class Today(BaseModel):
    date: str
    followups: list[FollowUpPublic] = Field(description="Blockers first")


class FollowUpDone(_Request):
    outcome: str = Field(min_length=1, max_length=5000)


class BlockerCreate(_Request):
    what: str = Field(min_length=1, max_length=2000, description="What the owner waits for")
    waiting_on: str | None = Field(None, max_length=200, description="Who can clear it (a name or a team)")


class BlockerClear(_Request):
    note: str | None = Field(None, max_length=5000)


class BlockerPublic(BaseModel):
    id: int
    item: str | None
    person: str
    what: str
    waiting_on: str | None
    created_at: str
    cleared_at: str | None
    minutes_open: int | None
    resolution: str | None
    source: str


class StandupCreate(_Request):
    yesterday: str = Field(min_length=1, max_length=5000)
    today: str = Field(min_length=1, max_length=5000)
    blockers: str | None = Field(None, max_length=5000)


class StandupAnswer(BaseModel):
    person: str
    yesterday: str
    today: str
    blockers: str | None


class StandupDigest(BaseModel):
    date: str
    answers: list[StandupAnswer]
    missing: list[str]
    blockers: list[BlockerPublic]


class SubmissionCreate(_Request):
    link: str = Field(min_length=1, max_length=2000)
    kind: str = Field("final", pattern="^(final|draft|partial)$")
    note: str | None = Field(None, max_length=5000)
    full_by: date | None = Field(None, description="Partial versions: when the full one comes")


class SubmissionPublic(BaseModel):
    id: int
    item: str
    kind: str
    link: str
    note: str | None
    full_due: str | None
    due: str
    status: str
    submitted_at: str


class AcceptanceCreate(_Request):
    scores: dict[str, int] = Field(description='{"completeness": 4, "accuracy": 5, …}, each 1–5')
    passed: bool
    checks: list[str] = Field(default_factory=list, description="Checklist lines that hold (numbers or text)")
    problems: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    revise_by: date | None = None


class AcceptancePublic(BaseModel):
    item: str
    round: int
    score: int = Field(description="Σ(weight × score) / 5 × 100; the article's 4, 5, 3, 3 gives 78")
    pass_mark: int
    passed: bool
    scores: dict[str, int]
    weights: dict[str, int]
    checked: list[int]
    problems: list[str]
    strengths: list[str]
    suggestions: list[str]
    revise_by: str | None
    status: str
    due: str
    feedback_outbox: int | None
    at: str
    outbox: list[int]
    closure_ready: bool


class MeetingClose(_Request):
    went_well: str = Field(min_length=1, max_length=5000)
    improve: str = Field(min_length=1, max_length=5000)
    reusable: str = Field(min_length=1, max_length=5000)
    next: list[str] = Field(default_factory=list, description="Next-phase items, TITLE|OWNER|DUE[|DELIVERABLE]")


class MeetingClosed(BaseModel):
    meeting_id: int
    closed_at: str
    next_meeting_id: int | None


class ReportLine(BaseModel):
    code: str
    title: str
    owner: str
    due: date
    status: str
    done_on: date | None
    score: int | None
    carried_from: date | None
    note: str | None


class RiskLine(BaseModel):
    item: ReportLine
    kind: str
    detail: str | None
    responses: list[str]


class Weekly(BaseModel):
    week: str
    monday: date
    sunday: date
    project: str | None
    completed: list[ReportLine]
    delayed: list[ReportLine]
    next_week: list[ReportLine]
    risks: list[RiskLine]
    agenda: list[tuple[str, int]]
    recommendation: str | None


class CarryOver(BaseModel):
    meeting_id: int
    items: list[ReportLine]
    next_meeting_id: int | None = None


class Rate(BaseModel):
    value: float | None
    hits: int
    total: int


class OwnerFigures(BaseModel):
    owner: str
    on_time: Rate
    average_delay_days: float | None
    items: int


class WeekFigures(BaseModel):
    week: str
    on_time: Rate
    followed_up: Rate
    items: int


class MeetingFigures(BaseModel):
    meeting: str
    on_time: float | None
    items: int


class Metrics(BaseModel):
    project: str | None
    from_: str = Field(alias="from")
    to: str
    items: int
    landing_rate: Rate
    clear_owner: Rate
    followed_up: Rate
    on_time: Rate
    average_delay_days: float | None
    owners: list[OwnerFigures]
    trend: list[WeekFigures]
    meetings: list[MeetingFigures]

    model_config = {"populate_by_name": True}


class PlannedContact(BaseModel):
    date: str
    rule: str
    channels: list[str]
    key_node: bool


class Cadence(BaseModel):
    item: str
    title: str
    owner: str
    priority: str
    start: str
    due: str
    span_days: int
    profile: list[str]
    profile_source: str = Field(description="manual | history")
    date: str
    matching: list[str]
    rule: str = Field(description="The most frequent matching rule")
    every_days: int | None
    channels: list[str]
    board: bool
    key_nodes: list[str]
    plan: list[PlannedContact]
