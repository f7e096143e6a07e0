"""The follow-up routes' rows of the authorisation matrix (issue 5), merged into
``test_authz_matrix.MATRIX``. Ids that do not exist yet in the shared world (follow-ups, blockers)
use 999999: the matrix checks that a login comes first; tests/web/test_followup_pages.py checks
the roles on real rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MISSING = "999999"
SCORES = {"scores": ["completeness=4", "accuracy=5", "executability=3", "innovation=3"], "decision": "pass"}


def followup_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]],
                   editors_only: Callable[..., dict[str, int]], readers: Callable[..., dict[str, int]]
                   ) -> dict[tuple[str, str], Any]:
    anyone = expect(200, 303)
    workers = expect(303, 303, viewer=403, supervisor=403)
    update = editors_only(303) | {"owner": 303}
    return {
        ("GET", "/today"): case("/today", anyone),
        ("POST", "/followups/{ref}/done"): case(f"/followups/{MISSING}/done", expect(404, 303),
                                                          form=lambda w: {"outcome": "好"}),
        ("POST", "/items/{item_id}/blockers"): case("/items/{T001}/blockers", update,
                                                    form=lambda w: {"what": "数据", "waiting_on": "市场部"}),
        ("POST", "/blockers/{blocker_id}/clear"): case(f"/blockers/{MISSING}/clear", expect(404, 303),
                                                       form=lambda w: {}),
        ("GET", "/standups"): case("/standups?project=Q4", readers()),
        ("POST", "/standups"): case("/standups", workers, form=lambda w: {"yesterday": "a", "today": "b"}),
        ("GET", "/followup/items/{item_id}"): case("/followup/items/{T001}", readers()),
        ("POST", "/followup/items/{item_id}/submit"): case("/followup/items/{T001}/submit", update,
                                                            form=lambda w: {"link": "https://x.example/a"}),
        ("POST", "/followup/items/{item_id}/accept"): case("/followup/items/{T001}/accept", editors_only(400),
                                                            form=lambda w: SCORES),
        ("GET", "/reports/weekly"): case("/reports/weekly?week=2026-W40&project=Q4", readers()),
        ("GET", "/metrics"): case("/metrics?project=Q4", readers()),
        ("GET", "/closure/{meeting_id}"): case("/closure/{meeting}", readers()),
        ("POST", "/closure/{meeting_id}"): case("/closure/{meeting}", editors_only(400),
                                                form=lambda w: {"went_well": "a", "improve": "b", "reusable": "c"}),
        ("GET", "/carryover/{meeting_id}"): case("/carryover/{meeting}", readers()),
        ("POST", "/carryover/{meeting_id}"): case("/carryover/{meeting}", editors_only(303), form=lambda w: {}),
        ("GET", "/api/v1/today"): case("/api/v1/today", expect(200, 401)),
        ("POST", "/api/v1/followups/{ref}/done"): case(f"/api/v1/followups/{MISSING}/done",
                                                                 expect(404, 401), json=lambda w: {"outcome": "好"}),
        ("POST", "/api/v1/items/{item_id}/blockers"): case("/api/v1/items/{T001}/blockers",
                                                           editors_only(201, anon=401) | {"owner": 201},
                                                           json=lambda w: {"what": "数据"}),
        ("POST", "/api/v1/blockers/{blocker_id}/clear"): case(f"/api/v1/blockers/{MISSING}/clear", expect(404, 401),
                                                              json=lambda w: {}),
        ("POST", "/api/v1/standups"): case("/api/v1/standups", expect(201, 401, viewer=403, supervisor=403,
                                                                      readonly=403),
                                           json=lambda w: {"yesterday": "a", "today": "b"}),
        ("GET", "/api/v1/reports/standup"): case("/api/v1/reports/standup?project=Q4", readers(anon=401)),
        ("GET", "/api/v1/reports/weekly"): case("/api/v1/reports/weekly?week=2026-W40&project=Q4", readers(anon=401)),
        ("POST", "/api/v1/items/{item_id}/submissions"): case(
            "/api/v1/items/{T001}/submissions", editors_only(201, anon=401) | {"owner": 201},
            json=lambda w: {"link": "https://x.example/a"}),
        ("POST", "/api/v1/items/{item_id}/acceptance"): case(
            "/api/v1/items/{T001}/acceptance", editors_only(409, anon=401),
            json=lambda w: {"scores": {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3},
                            "passed": True}),
        ("GET", "/api/v1/items/{item_id}/cadence"): case("/api/v1/items/{T001}/cadence", readers(anon=401)),
        ("POST", "/api/v1/meetings/{meeting_id}/close"): case(
            "/api/v1/meetings/{meeting}/close", editors_only(409, anon=401),
            json=lambda w: {"went_well": "a", "improve": "b", "reusable": "c"}),
        ("GET", "/api/v1/meetings/{meeting_id}/carryover"): case("/api/v1/meetings/{meeting}/carryover",
                                                                  readers(anon=401)),
        ("POST", "/api/v1/meetings/{meeting_id}/carryover"): case("/api/v1/meetings/{meeting}/carryover",
                                                                   editors_only(201, anon=401), json=lambda w: {}),
        ("GET", "/api/v1/metrics"): case("/api/v1/metrics?project=Q4", readers(anon=401)),
    }
