"""Track (article step 3, BOARD-1…6): the board, the table, one item, its dependencies and milestones.

Use cases:
- ``board`` (with its statements in ``board_queries``): the kanban and the task table.
- ``items``: listing items, their public JSON shape, and audited status changes.
- ``item_detail``: one item's page: history, comments, subtasks, links, confirmation, milestones.
- ``comments``: comments on an item.
- ``progress``: subtask progress rolled up to the parent.
- ``dependency_edits``: add and remove dependencies, refusing cycles.
- ``graph_view``: the dependency graph with its critical path and slip impact.
- ``milestones``: a project's dated key nodes and the items that reach them.
- ``timeline``: the planned reminder and escalation schedule of a meeting (``luodi timeline``).
"""
