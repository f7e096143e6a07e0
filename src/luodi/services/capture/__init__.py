"""Capture (article step 1, CAP-1…4): a meeting's decisions become an action list in the database.

Use cases:
- ``meetings``: lint an action list and import it in one transaction; list and show meetings.
- ``owners``: near-miss owner names (小麗 for 小李) become "did you mean …?" questions before lint.
- ``meeting_edits``: create and edit a meeting from the web forms.
- ``meeting_list``: the meetings a viewer may read, with item and confirmation counts.
- ``item_edits``: create and change items from forms and the API, audited field by field.
- ``extraction``: minutes or a chat → candidate decisions and items to review (rules, or a language model).
- ``exports``: a meeting's list, or filtered items, as .xlsx or .csv that imports back unchanged.
"""
