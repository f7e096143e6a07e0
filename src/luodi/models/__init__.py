"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from luodi.models.accounts import ApiToken, User, UserRole, WebSession
from luodi.models.audit import AuditEntry
from luodi.models.base import Base
from luodi.models.board import Comment, Milestone, MilestoneItem
from luodi.models.calendar import CalendarYear
from luodi.models.followup import (
    AcceptanceRound,
    Blocker,
    CarriedItem,
    FollowUp,
    ItemChecklist,
    Retrospective,
    Standup,
    Submission,
)
from luodi.models.inbound import CallbackReceipt, MailReceipt
from luodi.models.integrations import FeedToken, WebhookSubscription
from luodi.models.items import Dependency, Item, ItemResponse
from luodi.models.meetings import Attachment, Decision, Meeting, MeetingAttendee
from luodi.models.outbox import (
    Channel,
    DeliveryAttempt,
    OutboxMessage,
    PlanState,
    RuleFiring,
    WorkerHeartbeat,
)
from luodi.models.people import Person
from luodi.models.projects import Project

__all__ = [
    "AcceptanceRound",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "Blocker",
    "CalendarYear",
    "CallbackReceipt",
    "CarriedItem",
    "Channel",
    "Comment",
    "Decision",
    "DeliveryAttempt",
    "Dependency",
    "FeedToken",
    "FollowUp",
    "Item",
    "ItemChecklist",
    "ItemResponse",
    "MailReceipt",
    "Meeting",
    "MeetingAttendee",
    "Milestone",
    "MilestoneItem",
    "OutboxMessage",
    "Person",
    "PlanState",
    "Project",
    "Retrospective",
    "RuleFiring",
    "Standup",
    "Submission",
    "User",
    "UserRole",
    "WebSession",
    "WebhookSubscription",
    "WorkerHeartbeat",
]
