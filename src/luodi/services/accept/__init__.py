"""Accept and close (article steps 7–8, ACC-1…4, CLOSE-1, MET-1): delivered, checked, scored, closed.

The rubric's arithmetic (the 78 of case B) is pure, in ``luodi.domain.scoring``; this room records it.

Use cases:
- ``submissions``: an owner submits a deliverable, or a partial one (简版).
- ``checklists``: each item's acceptance checklist, from its deliverable type.
- ``acceptance``: walk the checklist, score the rubric, send the feedback, keep every round.
- ``closure``: the closure agenda once every item is accepted, and the retrospective.
- ``next_phase``: carried-over items and the next phase's list.
- ``metrics``: the team's figures per project, meeting and period.
- ``overview``: the acceptance overview: handed in and waiting, revising, accepted with the score.
"""
