"""A firing the plan step has just recorded, as compose turns it into messages.

Its own module so that planning (which makes them) and compose (which reads them) do not import
each other. It holds ORM rows (the item, the meeting, the recipients), so it is not domain/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from luodi.domain.graph import Slip
from luodi.models import Item, Meeting, Person


@dataclass
class PlannedFiring:
    """One newly recorded firing: for an item or a meeting, to these people."""

    rule_id: str
    occasion: date
    at: datetime                      # UTC: when it fired (status changes happen then)
    send_at: datetime                 # UTC: when its message goes out (after quiet hours)
    item: Item | None
    meeting: Meeting | None
    recipients: list[Person]
    threats: dict[int, Slip[int]] = field(default_factory=dict)
    # (person, channel, rule_firing id) for each newly recorded delivery of this firing
    deliveries: list[tuple[Person, str, int]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"item:{self.item.id}" if self.item else f"meeting:{self.meeting.id if self.meeting else 0}"
