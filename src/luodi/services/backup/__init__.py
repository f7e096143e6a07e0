"""Backups that restore (NF-2): a copy of the whole database, and a portable archive between engines.

An admin's use cases, not a step of the article: ``luodi backup`` / ``restore`` and
``luodi export --all`` / ``import --all`` call them (docs/deploy.md says when to use which).

Use cases:
- ``tables``: every table of the schema in foreign-key order, and which of them hold rows
  (a restore or an import goes only into an empty database).
- ``backups``: back up and restore a database as its engine does it — SQLite's online backup API
  (a consistent copy while the app writes), PostgreSQL's ``pg_dump -Fc`` / ``pg_restore``.
- ``archive``: ``export --all`` / ``import --all``, one JSON file holding every row of every table,
  ids kept, readable by either engine (PostgreSQL's sequences are moved past the imported ids).
"""
