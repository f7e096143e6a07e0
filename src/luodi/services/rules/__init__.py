"""Rules (article step 4, RULE-1…5): reminders before the deadline, at-risk and late marks, escalations.

The rules themselves (T−3 reminder, T−1 not started → at risk, due day → escalate …) are the pure
table of ``luodi.domain.rules`` with their dates in ``luodi.domain.occasions``; this room applies them.

Use cases:
- ``planning``: the plan step: which rules fire at ``now``, recorded once, with their effects.
- ``whatif``: the plan at any moment without writing (``tick`` without --apply), set-based.
- ``schedule``: when each open item next needs the rules (``item.next_check_at``).
- ``firings``: a firing just recorded, as planning hands it to compose.
- ``compose``: from recorded firings to outbox rows, one message per person and moment.
- ``digests``: today's follow-ups, the day's standups and the weekly review as messages.
- ``outbox``: the outbox read model and the relevance re-check made just before sending.
- ``escalations``: what a supervisor sees: the late and risky items of their people.
- ``rule_context``: time zone, working-day calendar, rules and quiet hours for one pass.
"""
