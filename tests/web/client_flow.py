"""Run by tests/web/test_generated_client.py with the throwaway venv's Python, next to the client that
openapi-python-client generated from /api/openapi.json (package ``luodi_client``): the confirmation
and status-change flow as a foreign program would run it. Prints what it saw as one JSON object.

argv: BASE_URL COORDINATOR_TOKEN OWNER_TOKEN LINK_TOKEN ITEM_CODE. Not a test module (no test_ prefix):
it imports only the generated client and the standard library."""

from __future__ import annotations

import json
import sys
from typing import Any

from luodi_client import AuthenticatedClient, Client  # type: ignore[import-not-found]
from luodi_client.api.items import change_status, confirm_item, get_item, history, list_items  # type: ignore[import-not-found]
from luodi_client.api.meetings import list_meetings, meeting_confirmations  # type: ignore[import-not-found]
from luodi_client.models import ConfirmRequest, ErrorBody, ItemStatus, StatusChange  # type: ignore[import-not-found]


def main(base: str, coordinator_token: str, owner_token: str, link: str, code: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    coordinator = AuthenticatedClient(base_url=base, token=coordinator_token)
    owner = AuthenticatedClient(base_url=base, token=owner_token)
    anonymous = Client(base_url=base)   # the link's holder: no bearer token

    meeting = list_meetings.sync(client=coordinator).meetings[0]
    seen["meeting"] = {"id": meeting.id, "title": meeting.title, "confirmed": meeting.confirmed}
    before = meeting_confirmations.sync(meeting.id, client=coordinator)
    seen["confirmed_before"] = {row.code: row.confirmed for row in before.items}

    item = next(i for i in list_items.sync(client=coordinator, meeting_id=meeting.id).items if i.code == code)
    confirmed = confirm_item.sync_detailed(item.id, client=anonymous, body=ConfirmRequest(token=link))
    seen["confirm"] = {"status": confirmed.status_code, "confirmed": confirmed.parsed.confirmed,
                       "etag": confirmed.headers.get("etag")}
    after = meeting_confirmations.sync(meeting.id, client=coordinator)
    seen["confirmed_after"] = {row.code: row.confirmed for row in after.items}

    read = get_item.sync_detailed(item.id, client=owner)
    etag = read.headers["etag"]
    seen["read"] = {"status": read.status_code, "etag": etag, "version": read.parsed.version}
    moved = change_status.sync_detailed(item.id, client=owner, body=StatusChange(status=ItemStatus.DONE),
                                        if_match=etag)
    seen["moved"] = {"status": moved.status_code, "etag": moved.headers.get("etag"),
                     "item_status": moved.parsed.status.value, "version": moved.parsed.version}
    stale = change_status.sync_detailed(item.id, client=owner, body=StatusChange(status=ItemStatus.IN_PROGRESS),
                                        if_match=etag)
    assert isinstance(stale.parsed, ErrorBody), stale.content
    seen["stale"] = {"status": stale.status_code, "field": stale.parsed.detail[0].field,
                     "message": stale.parsed.detail[0].message}
    changes = history.sync(item.id, client=coordinator)
    seen["history"] = [(entry.who, entry.action, entry.field if isinstance(entry.field, str) else None)
                       for entry in changes]
    return seen


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:6]), ensure_ascii=False))
