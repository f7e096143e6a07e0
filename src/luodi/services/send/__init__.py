"""Send and confirm (article step 2, SEND-1…2, CONF-1): the 【行动项】 list goes out, owners confirm.

Use cases:
- ``lists``: build the list's view and send it, one outbox row per recipient.
- ``tokens``: each owner's signed, expiring confirmation link.
- ``confirmations``: an owner confirms, asks a question or requests a new date; reschedule decisions.
- ``status``: who has confirmed, and after the deadline the call list.
- ``channels``: the group bots and webhooks a message can go to (add, list, recent delivery failures).
- ``directs``: each person's direct channels (email, IM app) and their addresses.
- ``routes``: who hears what: the per-project route of each message topic (``luodi channel routes``).
- ``cardpress``: a card button pressed in an IM app (Feishu, WeCom callbacks), applied once.
- ``replies``: a reply to the list's email (read by the worker over IMAP), applied once.
"""
