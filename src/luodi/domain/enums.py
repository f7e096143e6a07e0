"""The product's vocabulary as enums (SPEC glossary). Stored as their values."""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    DELAYED = "delayed"
    DONE = "done"

    @property
    def emoji(self) -> str:
        return STATUS_EMOJI[self]

    @property
    def is_open(self) -> bool:
        return self is not ItemStatus.DONE


STATUS_EMOJI: dict[ItemStatus, str] = {
    ItemStatus.NOT_STARTED: "⚪",
    ItemStatus.IN_PROGRESS: "🔵",
    ItemStatus.AT_RISK: "🟠",
    ItemStatus.DELAYED: "⚫",
    ItemStatus.DONE: "🟢",
}


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def stars(self) -> str:
        return {"high": "⭐⭐⭐", "medium": "⭐⭐", "low": "⭐"}[self.value]


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


class ResponseKind(StrEnum):
    """What an owner answered on the confirmation page (CONF-1)."""

    CONFIRM = "confirm"
    QUESTION = "question"
    RESCHEDULE = "reschedule"


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class OutboxStatus(StrEnum):
    PENDING = "pending"      # waiting for its next_attempt_at
    SENDING = "sending"      # claimed under a lease
    SENT = "sent"
    DEAD = "dead"            # gave up after N attempts; visible in `luodi outbox list`
    CANCELLED = "cancelled"  # no longer relevant (item done, superseded)


class ActorKind(StrEnum):
    PERSON = "person"
    RULE = "rule"
    SYSTEM = "system"
