"""People and access (NF-4): the directory, users and roles, logins, API tokens, who may do what.

Who may edit an item is decided in ``access`` from the role table of ``luodi.domain.roles``.

Use cases:
- ``people``: the people directory: import from CSV, list, find by name.
- ``users``: create users, grant roles per project, change passwords, deactivate.
- ``passwords``: argon2 hashing, shared by users and logins.
- ``logins``: password checks with a per-account rate limit, and revocable web sessions.
- ``api_tokens``: personal API tokens, shown once, stored as SHA-256.
- ``access``: who is asking, and what they may see and do.
"""
