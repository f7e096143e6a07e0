"""Integrate (INT-3, INT-4): what other systems see of luodi — calendars subscribed to its dates,
and webhooks told of its changes.

Use cases:
- ``feeds``: the secret, rotatable iCalendar feed URLs of a person and of a meeting, and the
  feeds themselves (due dates as all-day events with the T−1 alarm, follow-up meetings).
- ``webhooks``: outgoing webhook subscriptions (add, list, remove, the target check) and the
  fan-out of audited changes into the outbox, one row per event and subscription.
- ``events``: which audit entries are which events, and the data each event carries.
"""
