"""Reports and feedback render in Chinese and English, as Markdown and as HTML e-mail (issue 5)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from luodi.domain.enums import ItemStatus
from luodi.domain.sync import CLOSURE_AGENDA, STANDUP_QUESTIONS, WEEKLY_AGENDA
from luodi.render.charts import bar_chart, line_chart
from luodi.render.feedback import FeedbackView, render_feedback
from luodi.render.report_views import (
    ClosureView,
    MetricsView,
    ReportItem,
    Risk,
    StandupLine,
    StandupView,
    WeeklyView,
)
from luodi.render.reports import render_report
from luodi.render.views import PersonView

TODAY = date(2026, 9, 24)
T001 = ReportItem("T001", "细化活动方案", "小王", date(2026, 9, 22), ItemStatus.DONE, date(2026, 9, 22), score=78)
T002 = ReportItem("T002", "技术评估", "小李", date(2026, 9, 28), ItemStatus.IN_PROGRESS)
LATE = ReportItem("T009", "<b>预算</b>", "小赵", date(2026, 9, 20), ItemStatus.DELAYED, note="在等财务的数据")
METRICS = MetricsView(period=(date(2026, 8, 31), date(2026, 9, 27)), items=2, landing_rate=1.0, clear_owner=1.0,
                      followed_up=0.5, on_time=1.0, average_delay=None, owners=(("小王", 1.0, None, 1),),
                      trend=(("2026-W39", 1.0, 0.5),))


def weekly_view() -> WeeklyView:
    risks = (Risk(T002, "at_risk", None, ("小王",), "张经理"), Risk(LATE, "blocker", "财务数据", ("财务部",)))
    return WeeklyView(week="2026-W39", monday=date(2026, 9, 21), sunday=date(2026, 9, 27), project="Q4",
                      completed=(T001,), delayed=(LATE,), next_week=(T002,), risks=risks,
                      agenda=tuple((p.title, p.minutes) for p in WEEKLY_AGENDA),
                      generated_at=datetime(2026, 9, 24, 16, 0), metrics=METRICS, recommendation="standup")


@pytest.mark.parametrize("lang, words", [
    ("zh", ["上周完成项", "延期项及原因", "下周行动项", "风险清单及应对措施", "上周完成情况回顾 (10分钟)", "78分",
            "在等财务的数据", "立即协调小王先给部分内容", "立即升级给张经理决策", "今天协调财务部扫除障碍", "落地率"]),
    ("en", ["Completed last week", "Delayed items and their reasons", "Next week's action items",
            "Risks and responses", "Review of last week's results (10 minutes)", "78 points",
            "Ask 小王 for a partial hand-over", "Escalate to 张经理", "Landing rate"]),
])
def test_weekly_review_markdown_has_the_four_parts(lang: str, words: list[str]) -> None:
    text = render_report("weekly", weekly_view(), lang=lang, fmt="markdown", today=TODAY, subject="x")
    for word in words:
        assert word in text, word
    assert "<b>" not in text  # user text is escaped in Markdown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_review_html_is_an_escaped_email_with_charts(lang: str) -> None:
    html = render_report("weekly", weekly_view(), lang=lang, fmt="html", today=TODAY, subject="【周会】2026-W39")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 3
    assert "&lt;b&gt;预算&lt;/b&gt;" in html and "<b>预算</b>" not in html
    assert all(f'data-part="{part}"' in html for part in ("completed", "delayed", "next", "risks", "metrics"))


def test_standup_and_closure_render_in_both_languages() -> None:
    standup = StandupView(day=TODAY, answers=(StandupLine("小陈", "大纲", "PPT", "等方案"),), missing=("小李",),
                          blockers=(Risk(T002, "blocker", "等方案", ("小王",)),), questions=STANDUP_QUESTIONS)
    assert "昨天完成了什么？ 大纲" in render_report("standup", standup, lang="zh", fmt="markdown", today=TODAY)
    assert "What is blocking you? 等方案" in render_report("standup", standup, lang="en", fmt="markdown", today=TODAY)
    closure = ClosureView(title="Q4", meeting_day=date(2026, 9, 14), items=(T001,),
                          agenda=tuple((p.title, p.minutes) for p in CLOSURE_AGENDA), all_accepted=True,
                          went_well="跟进及时", improve="早启动", reusable="清单")
    zh = render_report("closure", closure, lang="zh", fmt="markdown", today=TODAY)
    assert "回顾所有行动项完成情况 (5分钟)" in zh and "感谢与庆祝" in zh and "什么做得好: 跟进及时" in zh
    html = render_report("closure", closure, lang="en", fmt="html", today=TODAY)
    assert "Thanks and celebration" in html and "(5 minutes)" in html


def feedback(passed: bool) -> FeedbackView:
    return FeedbackView(
        passed=passed, code="T001", title="方案", owner=PersonView("小王"), reviewer=PersonView("小林"), number=1,
        score=78, pass_mark=60, scores=(("completeness", 30, 4), ("accuracy", 30, 5), ("executability", 25, 3),
                                        ("innovation", 15, 3)),
        checklist=(("数据准确", True), ("风险识别", False)), strengths=("数据分析",),
        suggestions=("预算部分可以再细化", "市场数据需要更新"), problems=("数据有误", "逻辑不清晰", "缺少执行步骤"),
        revise_by=date(2026, 9, 25), revise_at=time(17, 0), now=datetime(2026, 9, 24, 15, 0))


def test_the_articles_pass_and_fail_messages() -> None:
    passed = render_feedback(feedback(True), lang="zh")
    assert passed.subject == "【验收通过】T001 方案：78分"
    assert "小王，你的「方案」很不错，78分。" in passed.text and "特别是在数据分析方面做得很好。" in passed.text
    assert "有2个小建议：" in passed.text and "整体可以通过，辛苦了！" in passed.text and "☑ 数据准确" in passed.text
    failed = render_feedback(feedback(False), lang="zh")
    assert "但有3个问题需要修改：" in failed.text and "3. 缺少执行步骤" in failed.text
    assert "请在明天下午5点前修改完成，我们再次评审。" in failed.text and "如果遇到困难，随时找我。" in failed.text
    english = render_feedback(feedback(False), lang="en")
    assert "3 problems need fixing" in english.text and "tomorrow at 5 PM" in english.text
    assert "<li>数据有误</li>" in english.html and english.markdown.startswith("**\\[Revision needed\\]")


def test_charts_escape_labels_and_use_no_inline_styles() -> None:
    svg = bar_chart([("<script>", 0.5), ("空", None)], title="A & B")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg and "style=" not in svg
    assert "—" in svg  # nothing to count is drawn as a dash, not 0%
    trend = line_chart([("W1", 0.2), ("W2", None), ("W3", 0.9)], title="t")
    assert trend.count("<circle") == 2 and "<polyline" not in trend  # a gap breaks the line
    assert "—" in line_chart([], title="t", empty="—")
