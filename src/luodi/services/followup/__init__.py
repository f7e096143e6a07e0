"""Follow up and sync (article steps 5–6, FU-1…6, SYNC-1…3): the coordinator's day and the team's rhythm.

Use cases:
- ``followups``: 今日跟进: build the coordinator's agenda, keep it, mark entries done.
- ``agenda_facts``: the grouped facts that agenda needs about open items.
- ``cadence``: the follow-up plan of one item (``luodi cadence CODE``).
- ``profiles``: owner profiles, computed from history or set by hand.
- ``blockers``: what an owner waits for and from whom, cleared by the coordinator.
- ``standups``: yesterday / today / blockers per person.
- ``reports``: the weekly review and the sync recommendation.
"""
