"""Integrate (INT-3, INT-4): what other systems see of luodi — calendars subscribed to its dates.

Use cases:
- ``feeds``: the secret, rotatable iCalendar feed URLs of a person and of a meeting, and the
  feeds themselves (due dates as all-day events with the T−1 alarm, follow-up meetings).
"""
