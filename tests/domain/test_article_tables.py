"""Issue 16, part 7: the article's tables pinned. Each default below is the article's number; a
change to any of them (a mutant of the cadence table, the spans, the pass mark's ``>=``) fails here."""

from __future__ import annotations

from luodi.domain import cadence
from luodi.domain.cadence import ContactChannel as C
from luodi.domain.scoring import DEFAULT_PASS_MARK, DEFAULT_RUBRIC, passed, rubric_from_settings


def test_the_cadence_table_is_the_articles() -> None:
    table = [(r.id, r.every_days, r.channels, r.board) for r in cadence.RULES]
    assert table == [
        ("first_time", 1, (C.PHONE, C.IN_PERSON), False),    # 首次合作: 前3天每天1次, 电话/面对面
        ("delay_history", 2, (C.PHONE,), False),             # 有拖延记录: 每2天, 电话
        ("high_short", 1, (C.IM, C.IN_PERSON), False),       # 高优先级短周期: 每天
        ("high_medium", 2, (C.IM,), True),                   # 高优先级中周期: 每2天 + 看板
        ("medium", 7, (C.MEETING,), True),                   # 中优先级: 每周例会 + 看板
        ("reliable", None, (C.IM,), False),                  # 靠谱的: 关键节点
        ("key_nodes", None, (C.IM,), False),
    ]


def test_the_spans_and_key_nodes_are_the_articles() -> None:
    assert (cadence.SHORT_SPAN, cadence.MEDIUM_SPAN) == (5, 14)   # 短周期(<5天) 中周期(5-14天)
    assert cadence.FIRST_TIME_DAYS == 3                             # 前3天
    assert cadence.KEY_NODE_OFFSETS == (3, 1, 0)                    # 截止前3天、前1天、当天


def test_the_pass_mark_is_inclusive() -> None:
    assert DEFAULT_PASS_MARK == 60
    assert passed(DEFAULT_RUBRIC, 60) and not passed(DEFAULT_RUBRIC, 59)   # >= , not >
    custom = rubric_from_settings({"rubric": {"quality": 60, "speed": 40}, "pass_mark": 80})
    assert passed(custom, 80) and not passed(custom, 79)


def test_the_rule_tables_times_and_an_overrides_at_are_the_articles() -> None:
    from datetime import time

    from luodi.domain.rules import DEFAULT_RULES, effective_rules

    pinned = {r.id: (r.offset_days, r.at) for r in DEFAULT_RULES}
    assert pinned["remind_before_3d"] == (-3, time(9, 30)) and pinned["at_risk_before_1d"] == (-1, time(9, 30))
    assert pinned["remind_due_morning"][1] == time(9, 0) and pinned["escalate_due_end"][1] == time(17, 0)
    overridden = {r.id: r for r in effective_rules({"remind_before_3d": {"at": "08:15"}})}
    assert overridden["remind_before_3d"].at == time(8, 15)                 # the override's time is used
    assert overridden["remind_due_morning"].at == time(9, 0)                # and nothing else moves
