"""One example per request and response body of /api/v1, by schema name, and one error body per
status: the Q4 meeting of the article (T001 细化活动方案, owner 小王). Most were taken from real
answers of the API on the test world; tests/web/test_api_contract.py checks each one validates
against its model and survives a round trip unchanged."""

from __future__ import annotations

from typing import Any

AT = "2026-09-26T08:10:00Z"
ITEM: dict[str, Any] = {
    "id": 1, "code": "T001", "title": "细化活动方案", "owner": "小王", "owner_id": 3, "start": None,
    "due": "2026-09-30", "deliverable": "详细执行方案", "status": "in_progress", "priority": "high",
    "acceptance": "包含时间表、预算和分工", "depends_on": [], "confirmed": True, "meeting_id": 1, "project_id": 1,
    "parent_id": None, "version": 2, "updated_at": AT}
LINE: dict[str, Any] = {"code": "T001", "title": "细化活动方案", "owner": "小王", "due": "2026-09-30",
                        "status": "in_progress", "done_on": None, "score": None, "carried_from": None, "note": None}
BLOCKER: dict[str, Any] = {
    "id": 1, "item": "T001", "person": "小王", "what": "等财务确认预算", "waiting_on": "财务部",
    "created_at": "2026-09-26T08:10:00+00:00", "cleared_at": None, "minutes_open": None, "resolution": None,
    "source": "api"}
ANSWER: dict[str, Any] = {"person": "小王", "yesterday": "联系了三家供应商", "today": "整理报价",
                          "blockers": "等财务确认预算"}
RATE: dict[str, Any] = {"value": 0.75, "hits": 3, "total": 4}
FOLLOWUP: dict[str, Any] = {
    "id": None, "key": "item-2-2026-09-28", "item": "T002", "owner": "小李", "reason": "unconfirmed",
    "channel": "phone",
    "message": "小李，T002 技术评估（10月5日截止）还没有确认收到，请回复确认。",
    "reasons": ["unconfirmed", "first_time"],
    "reason_text": "未确认", "title": "技术评估", "due": "2026-10-05", "status": "open", "done": False,
    "outcome": None, "blocker": None, "interventions": [{
        "cause": "unclear_requirement", "response": "clarify", "who": ["小林"], "likely": False,
        "text": "约小李10分钟，把要求讲清楚"}]}
FINDING: dict[str, Any] = {"line": 12, "field": "owner", "message": "负责人「王某某」不在名录中"}

EXAMPLES: dict[str, Any] = {
    # meetings and people
    "Me": {"name": "小林", "person": "小林", "admin": False, "language": "zh", "read_only": False,
           "roles": {"1": ["coordinator"]}},
    "MeetingList": {"meetings": [{
        "id": 1, "title": "Q4服务活动方案跟进", "project": "Q4", "starts_at": "2026-09-26T06:00:00Z",
        "sent_at": "2026-09-26T08:10:00Z", "items": 3, "confirmed": 1, "closed": False}], "limit": 100, "offset": 0},
    "MeetingPublic": {
        "id": 1, "title": "Q4服务活动方案跟进", "name": "Q4服务活动方案评审会", "project": "Q4",
        "starts_at": "2026-09-26T06:00:00Z", "ends_at": "2026-09-26T07:30:00Z", "place": "3楼会议室",
        "organizer": "小林", "attendees": ["小林", "小王", "小李", "小陈"],
        "decisions": ["选择方案B作为Q4活动方案", "活动时间10月15-31日", "预算控制在50万以内"],
        "next_meeting": {"at": "2026-10-15T02:00:00Z", "place": "3楼会议室", "goal": "检查所有任务完成情况,启动执行"},
        "sent_at": "2026-09-26T08:10:00Z", "confirm_deadline": "2026-09-27T10:00:00Z", "closed_at": None},
    "MeetingImport": {"markdown": "# Q4服务活动方案跟进\n\n| 序号 | 行动项 | 负责人 | 截止日期 | 交付物 |\n"
                                  "|---|---|---|---|---|\n| 1 | 细化活动方案 | 小王 | 9月30日 | 详细执行方案 |\n",
                      "project": "Q4", "dry_run": True},
    "ImportResult": {"meeting_id": None, "errors": [], "warnings": [FINDING], "items": [{
        "id": 1, "code": "T001", "title": "细化活动方案", "owner": "小王", "due": "2026-09-30",
        "status": "not_started", "depends_on": []}]},
    "Confirmations": {
        "meeting_id": 1, "sent_at": "2026-09-26T08:10:00Z", "deadline": "2026-09-27T10:00:00Z", "past_deadline": True,
        "items": [{"code": "T001", "owner": "小王", "confirmed": True},
                  {"code": "T002", "owner": "小李", "confirmed": False}],
        "call_list": [{"owner": "小李", "phone": "13800000002", "items": ["T002"]}]},
    "PersonPublic": {"id": 3, "name": "小王", "email": "xiaowang@example.com", "phone": "13800000001",
                     "supervisor": "张经理", "language": "zh"},
    # items
    "ItemPublic": ITEM,
    "ItemList": {"items": [ITEM], "total": 3, "limit": 1, "offset": 0},
    "ItemCreate": {"title": "准备物料清单", "owner": "小王", "due": "2026-10-09", "start": "2026-09-28",
                   "deliverable": "物料清单", "priority": "medium", "acceptance": "列出数量和供应商",
                   "project_id": 1, "meeting_id": None, "parent_id": None},
    "ItemUpdate": {"title": "细化活动方案（含预算）", "due": "2026-10-08"},
    "StatusChange": {"status": "done"},
    "ConfirmRequest": {"token": "eyJpdGVtcyI6WzFdLCJwZXJzb24iOjN9.ZxY1Ag.signature"},
    "HistoryEntry": {"at": AT, "who": "小王", "action": "changed", "field": "status", "before": "in_progress",
                     "after": "done"},
    "CommentPublic": {"id": 1, "item_id": 1, "author": "小林", "body": "预算表请周五前发我", "created_at": AT},
    "CommentCreate": {"body": "预算表请周五前发我"},
    # follow-up
    "Today": {"date": "2026-09-28", "followups": [FOLLOWUP]},
    "FollowUpPublic": {**FOLLOWUP, "id": 4, "status": "done", "done": True, "outcome": "电话确认，周五交付"},
    "FollowUpDone": {"outcome": "电话确认，周五交付"},
    "BlockerCreate": {"what": "等财务确认预算", "waiting_on": "财务部"},
    "BlockerClear": {"note": "财务已确认"},
    "BlockerPublic": BLOCKER,
    "StandupCreate": {"yesterday": "联系了三家供应商", "today": "整理报价", "blockers": "等财务确认预算"},
    "StandupAnswer": ANSWER,
    "StandupDigest": {"date": "2026-09-26", "answers": [ANSWER], "missing": ["小李", "小陈"], "blockers": [BLOCKER]},
    "SubmissionCreate": {"link": "https://docs.example.com/q4-plan", "kind": "final", "note": "终稿",
                         "full_by": None},
    "SubmissionPublic": {"id": 1, "item": "T001", "kind": "final", "link": "https://docs.example.com/q4-plan",
                         "note": "终稿", "full_due": None, "due": "2026-09-30", "status": "in_progress",
                         "submitted_at": "2026-09-28T08:10:00+00:00"},
    "AcceptanceCreate": {"scores": {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3},
                         "passed": True, "checks": ["1", "2"], "problems": [], "strengths": ["方案完整"],
                         "suggestions": ["预算再细化"], "revise_by": None},
    "AcceptancePublic": {
        "item": "T001", "round": 1, "score": 78, "pass_mark": 60, "passed": True,
        "scores": {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3},
        "weights": {"completeness": 30, "accuracy": 30, "executability": 25, "innovation": 15},
        "checked": [1, 2], "problems": [], "strengths": ["方案完整"], "suggestions": ["预算再细化"],
        "revise_by": None, "status": "done", "due": "2026-09-30", "feedback_outbox": 12,
        "at": "2026-09-29T08:10:00+00:00", "outbox": [12], "closure_ready": False},
    "Cadence": {
        "item": "T002", "title": "技术评估", "owner": "小李", "priority": "medium", "start": "2026-09-26",
        "due": "2026-10-05", "span_days": 9, "profile": ["first_time"], "profile_source": "history",
        "date": "2026-09-28", "matching": ["first_time", "medium", "key_nodes"], "rule": "first_time",
        "every_days": 1, "channels": ["phone", "in_person"], "board": False, "key_nodes": ["2026-09-30"],
        "plan": [{"date": "2026-09-28", "rule": "first_time", "channels": ["phone", "in_person"], "key_node": False},
                 {"date": "2026-09-30", "rule": "medium", "channels": ["meeting"], "key_node": True}]},
    "MeetingClose": {"went_well": "每天站会，阻塞当天解决", "improve": "预算确认太晚", "reusable": "供应商比价表",
                     "next": ["执行活动|小王|2026-10-31|活动总结"]},
    "MeetingClosed": {"meeting_id": 1, "closed_at": "2026-10-15T02:00:00+00:00", "next_meeting_id": 3},
    "CarryOver": {"meeting_id": 1, "items": [{**LINE, "carried_from": "2026-09-26"}], "next_meeting_id": 3},
    "Weekly": {
        "week": "2026-W40", "monday": "2026-09-28", "sunday": "2026-10-04", "project": "Q4",
        "completed": [{**LINE, "status": "done", "done_on": "2026-09-29", "score": 78}],
        "delayed": [], "next_week": [{**LINE, "code": "T002", "title": "技术评估", "owner": "小李",
                                      "due": "2026-10-05", "status": "not_started"}],
        "risks": [{"item": LINE, "kind": "blocker", "detail": "等财务确认预算",
                   "responses": ["今天协调财务部扫除障碍"]}],
        "agenda": [["上周完成情况回顾", 10], ["下周计划确认", 10], ["风险识别与解决", 15], ["下周行动项确认", 5]],
        "recommendation": "standup"},
    "Metrics": {
        "project": "Q4", "from": "2026-09-01", "to": "2026-09-28", "items": 4, "landing_rate": RATE,
        "clear_owner": {"value": 1.0, "hits": 4, "total": 4}, "followed_up": RATE, "on_time": RATE,
        "average_delay_days": 1.5,
        "owners": [{"owner": "小王", "on_time": {"value": 1.0, "hits": 2, "total": 2}, "average_delay_days": 0.0,
                    "items": 2}],
        "trend": [{"week": "2026-W39", "on_time": RATE, "followed_up": RATE, "items": 4}],
        "meetings": [{"meeting": "Q4服务活动方案跟进", "on_time": 0.75, "items": 4}]},
}


def _error(field: str | None, message: str) -> dict[str, Any]:
    return {"detail": [{"field": field, "message": message}]}


ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: _error("owner", "目录中没有人员 '谁'"),
    401: _error("login", "请先登录。"),
    403: _error("role", "你的角色无权执行此操作。"),
    404: _error("item", "找不到行动项 99999"),
    409: _error(None, "T001已经通过验收"),
    410: _error("token", "此确认链接已过期，请向跟进人索取新的链接。"),
    412: _error("If-Match", "T001 当前是第 2 版；请重新获取后再试。"),
    422: _error("body.due", "Input should be a valid date or datetime, input is too short"),
    428: _error("If-Match", "请在 If-Match 中带上行动项的 ETag。"),
}
