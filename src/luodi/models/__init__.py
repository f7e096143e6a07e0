"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from luodi.models.audit import AuditEntry
from luodi.models.base import Base
from luodi.models.items import Dependency, Item, ItemResponse
from luodi.models.meetings import Attachment, Decision, Meeting, MeetingAttendee
from luodi.models.outbox import Channel, DeliveryAttempt, OutboxMessage, RuleFiring, WorkerHeartbeat
from luodi.models.people import Person
from luodi.models.projects import Project

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "Channel",
    "Decision",
    "DeliveryAttempt",
    "Dependency",
    "Item",
    "ItemResponse",
    "Meeting",
    "MeetingAttendee",
    "OutboxMessage",
    "Person",
    "Project",
    "RuleFiring",
    "WorkerHeartbeat",
]
