"""The 【行动项】 list (SEND-1) for the article's Q4 case, in Chinese and English, in every format.

The article's text reached us NFKC-normalised (its ， and （） became , and ()); luodi writes
proper full-width Chinese punctuation, so comparisons with the SPEC's wording normalise first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from luodi.render.action_list import (
    owners,
    render_action_list,
    render_action_list_message,
    render_action_list_subject,
)
from luodi.render.table import display_width
from luodi.render.views import ActionListView, DependencyView

CONFIRM_REQUEST = "请各位务必确认自己的任务,如有问题请在今日下班前回复"  # SPEC SEND-1, NFKC form


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def in_order(text: str, *parts: str) -> None:
    """Each part occurs in ``text``, after the previous one."""
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found > position, f"{part!r} missing or out of order"
        position = found


def box_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┌"))
    end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[start : end + 1]


def test_zh_subject_begins_with_the_action_item_mark(q4: ActionListView) -> None:
    assert render_action_list_subject(q4, lang="zh") == "【行动项】Q4服务活动方案跟进"
    assert render_action_list_subject(q4, lang="en") == "[Action items] Q4服务活动方案跟进"


def test_zh_text_follows_the_articles_standard_format(q4: ActionListView) -> None:
    text = render_action_list(q4, lang="zh", fmt="text")
    in_order(
        text,
        "各位，",
        "今天会议我们达成了以下决策：",
        "1. 选择方案B作为Q4活动方案",
        "2. 活动时间10月15-31日",
        "3. 预算控制在50万以内",
        "请各位务必按时完成以下行动项：",
        "【行动项清单】",
        "┌",
        "└",
        "【依赖关系】",
        "- 任务2依赖任务1（小李需要先看到小王的方案才能做技术评估）",
        "- 任务3依赖任务1（小陈需要根据小王的方案准备培训）",
        "【下次跟进会议】",
        "时间：10月15日 上午10:00",
        "地点：3楼会议室",
        "目标：检查所有任务完成情况，启动执行",
        "@小王 @小李 @小陈",
        "请各位务必确认自己的任务，如有问题请在今日下班前回复。",
        "谢谢！",
        "小林",
    )
    assert CONFIRM_REQUEST in nfkc(text)
    assert "任务2依赖任务1(小李需要先看到小王的方案才能做技术评估)" in nfkc(text)
    assert "会议纪要" not in text
    assert text.endswith("谢谢！\n小林\n")


def test_zh_text_table_has_the_spec_columns_and_lines_up(q4: ActionListView) -> None:
    lines = box_lines(render_action_list(q4, lang="zh", fmt="text"))
    assert len({display_width(line) for line in lines}) == 1, "\n".join(lines)
    assert len(lines) == 7  # top, header, rule, three rows, bottom
    header = [cell.strip() for cell in lines[1].strip("│").split("│")]
    assert header == ["序号", "行动项", "责任人", "截止日期", "交付物", "状态"]
    rows = [[cell.strip() for cell in line.strip("│").split("│")] for line in lines[3:6]]
    assert rows == [
        ["1", "细化活动方案", "小王", "9月30日", "详细执行方案", "🔵 进行中"],
        ["2", "技术评估", "小李", "10月5日", "技术方案", "⚪ 未开始"],
        ["3", "培训材料准备", "小陈", "10月10日", "培训PPT", "⚪ 未开始"],
    ]
    # The 序号 column is centred, as in the article ("│  1   │").
    assert lines[3].startswith("│  1   │")


def test_en_text_mirrors_the_structure(q4: ActionListView) -> None:
    text = render_action_list(q4, lang="en", fmt="text")
    in_order(
        text,
        "Hi all,",
        "In today's meeting we agreed on the following decisions:",
        "1. 选择方案B作为Q4活动方案",
        "Please make sure to complete the following action items on time:",
        "[Action item list]",
        "│ No. │ Action item  │ Owner │ Due    │ Deliverable  │ Status         │",
        "│  1  │ 细化活动方案 │ 小王  │ Sep 30 │ 详细执行方案 │ 🔵 In progress │",
        "[Dependencies]",
        "- Task 2 depends on task 1 (小李需要先看到小王的方案才能做技术评估)",
        "[Next follow-up meeting]",
        "Time: Oct 15, 10:00 AM",
        "Place: 3楼会议室",
        "@小王 @小李 @小陈",
        "Please make sure to confirm your tasks. If you have any questions, reply before the end of today.",
        "Thanks!",
        "小林",
    )
    assert len({display_width(line) for line in box_lines(text)}) == 1


def test_dependencies_without_a_reason_are_put_into_words(
    make_q4: Callable[..., ActionListView], q4: ActionListView, make_item: Callable[..., Any]
) -> None:
    bare = make_q4(dependencies=(DependencyView(2, 1, None),))  # 3 → 1 only through depends_on
    zh = render_action_list(bare, lang="zh", fmt="text")
    assert "- 任务2依赖任务1（小李需要先看到小王的「细化活动方案」）" in zh
    assert "- 任务3依赖任务1（小陈需要先看到小王的「细化活动方案」）" in zh
    en = render_action_list(bare, lang="en", fmt="text")
    assert "- Task 2 depends on task 1 (小李 needs 小王's “细化活动方案” first)" in en
    same_owner = make_q4(
        items=(q4.items[0], make_item(2, title="方案评审", depends_on=(1,))), dependencies=()
    )
    assert "- 任务2依赖任务1（需要先完成「细化活动方案」）" in render_action_list(same_owner, lang="zh", fmt="text")


def test_html_is_a_styled_email_with_the_red_confirmation_on_top(q4: ActionListView) -> None:
    html = render_action_list(q4, lang="zh", fmt="html")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC'" in html
    body = html[html.index("<body") :]
    first_paragraph = re.search(r"<p [^>]*>(.*?)</p>", body, re.S)
    assert first_paragraph is not None
    assert "color:#d32f2f" in first_paragraph.group(0)
    assert CONFIRM_REQUEST in nfkc(first_paragraph.group(1))
    in_order(
        body,
        "请各位务必确认自己的任务",
        "各位，",
        "今天会议我们达成了以下决策：",
        "<li>选择方案B作为Q4活动方案</li>",
        "【行动项清单】",
        "<table",
        "<th",
        "序号",
        "行动项",
        "责任人",
        "截止日期",
        "交付物",
        "状态",
        "</table>",
        "【依赖关系】",
        "任务2依赖任务1（小李需要先看到小王的方案才能做技术评估）",
        "【下次跟进会议】",
        "时间：10月15日 上午10:00",
        "@小王 @小李 @小陈",
        "谢谢！",
    )
    assert body.count("<tr") == 4
    assert "<style" not in html  # mail clients drop style sheets: inline styles only
    assert all("style=" in tag for tag in re.findall(r"<(?:td|th|table)\b[^>]*>", html))


def test_markdown_is_a_compact_list_for_im(q4: ActionListView) -> None:
    markdown = render_action_list(q4, lang="zh", fmt="markdown")
    in_order(
        markdown,
        "**【行动项】Q4服务活动方案跟进**",
        "各位，",
        "1. 选择方案B作为Q4活动方案",
        "**【行动项清单】**",
        "1. **T001 细化活动方案** · @小王 · 截止 9月30日 · 交付物 详细执行方案 · 🔵 进行中\n",
        "2. **T002 技术评估** · @小李 · 截止 10月5日 · 交付物 技术方案 · ⚪ 未开始\n",
        "3. **T003 培训材料准备** · @小陈 · 截止 10月10日 · 交付物 培训PPT · ⚪ 未开始\n",
        "**【依赖关系】**",
        "- 任务2依赖任务1（小李需要先看到小王的方案才能做技术评估）",
        "**【下次跟进会议】**",
        "- 时间：10月15日 上午10:00",
        "@小王 @小李 @小陈",
        "**请各位务必确认自己的任务，如有问题请在今日下班前回复。**",
    )
    assert "|---" not in markdown  # no Markdown table: Feishu and DingTalk draw them badly
    english = render_action_list(q4, lang="en", fmt="markdown")
    assert "1. **T001 细化活动方案** · @小王 · Due Sep 30 · Deliverable 详细执行方案 · 🔵 In progress" in english


def test_the_personal_copy_carries_the_confirmation_link(q4: ActionListView, people: Any, confirm_url: str) -> None:
    message = render_action_list_message(q4, lang="zh", recipient=people.wang, confirm_url=confirm_url)
    lines = message.text.splitlines()
    assert confirm_url in lines  # alone on its own line: no punctuation glued to it
    assert lines[lines.index(confirm_url) - 1] == "确认链接（收到并理解）："
    in_order(message.text, "小王，以下任务由你负责：", "- 任务1「细化活动方案」，9月30日（周三）截止", confirm_url)
    assert f'href="{confirm_url}"' in message.html
    assert "收到并理解</a>" in message.html
    assert message.html.count("background:#fff8e1") == 1  # 小王's own row
    assert f"[收到并理解]({confirm_url})" in message.markdown
    english = render_action_list(q4, lang="en", fmt="text", recipient=people.wang, confirm_url=confirm_url)
    assert confirm_url in english.splitlines()
    assert "Confirm (received and understood):" in english


def test_the_group_copy_has_no_link_and_no_personal_lines(q4: ActionListView) -> None:
    message = render_action_list_message(q4, lang="zh")
    assert "确认链接" not in message.text
    assert "由你负责" not in message.text
    assert "background:#fff8e1" not in message.html


def test_a_confirmation_link_must_be_http(q4: ActionListView) -> None:
    with pytest.raises(ValueError, match="http"):
        render_action_list(q4, lang="zh", fmt="html", confirm_url="javascript:alert(1)")
    with pytest.raises(ValueError, match="format"):
        render_action_list(q4, lang="zh", fmt="pdf")  # type: ignore[arg-type]


def test_user_text_cannot_inject_markup(
    make_q4: Callable[..., ActionListView], q4: ActionListView, make_item: Callable[..., Any], people: Any
) -> None:
    evil = "<script>alert(1)</script>"
    view = make_q4(
        title=f"Q4{evil}\r\nBcc: all@example.com",
        decisions=(f"决策{evil}",),
        items=(make_item(1, title=evil, deliverable="**粗体** [链接](http://evil.example)"), *q4.items[1:]),
        attachments=((evil, "javascript:alert(1)"), ("录音", 'https://x.example/a"onmouseover="alert(1)')),
    )
    message = render_action_list_message(view, lang="zh", recipient=people.wang)
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert 'href="javascript:' not in message.html
    assert '"onmouseover="' not in message.html
    assert "<script>" not in message.markdown
    assert "\\*\\*粗体\\*\\* \\[链接\\]" in message.markdown
    assert "](javascript:" not in message.markdown
    assert evil in message.text  # plain text shows the text as it is


def test_acceptance_criteria_join_the_table_when_any_item_has_them(
    make_q4: Callable[..., ActionListView], q4: ActionListView, make_item: Callable[..., Any]
) -> None:
    first = make_item(1, acceptance="包含背景、目标、方案、预算、时间表", checklist=("数据准确", "风险已识别"))
    view = make_q4(items=(first, *q4.items[1:]))
    text = render_action_list(view, lang="zh", fmt="text")
    lines = box_lines(text)
    assert len({display_width(line) for line in lines}) == 1
    assert "验收标准" in lines[1]
    assert "☐ 数据准确" in text and "☐ 风险已识别" in text
    assert ">验收标准</th>" in render_action_list(view, lang="zh", fmt="html")
    assert "验收标准：包含背景、目标、方案、预算、时间表; ☐ 数据准确; ☐ 风险已识别" in render_action_list(
        view, lang="zh", fmt="markdown"
    )
    assert "验收标准" not in box_lines(render_action_list(q4, lang="zh", fmt="text"))[1]


def test_dates_outside_the_meeting_year_carry_their_year(
    make_q4: Callable[..., ActionListView], q4: ActionListView, make_item: Callable[..., Any]
) -> None:
    late = make_item(4, title="年终复盘", due=date(2027, 1, 5))
    text = render_action_list(make_q4(items=(*q4.items, late)), lang="zh", fmt="text")
    assert "2027年1月5日" in text
    assert "2026年" not in text


def test_empty_sections_are_left_out(make_q4: Callable[..., ActionListView], q4: ActionListView) -> None:
    view = make_q4(decisions=(), dependencies=(), next_meeting=None, attachments=(), organizer=None,
                   items=tuple(item for item in q4.items if not item.depends_on))
    text = render_action_list(view, lang="zh", fmt="text")
    for heading in ("今天会议我们达成了以下决策", "【依赖关系】", "【下次跟进会议】", "【附件】"):
        assert heading not in text
    assert text.endswith("谢谢！\n")


def test_owners_are_distinct_and_in_list_order(
    make_q4: Callable[..., ActionListView], q4: ActionListView, make_item: Callable[..., Any]
) -> None:
    view = make_q4(items=(*q4.items, make_item(4, title="预算表")))
    assert [person.name for person in owners(view)] == ["小王", "小李", "小陈"]
    assert "@小王 @小李 @小陈\n" in render_action_list(view, lang="zh", fmt="text")


def test_a_user_template_folder_overrides_the_layout(q4: ActionListView, tmp_path: Path) -> None:
    folder = tmp_path / "action_list"
    folder.mkdir()
    (folder / "body.txt").write_text("{{ _('Hi all,') }}\n{{ table }}\n", encoding="utf-8")
    text = render_action_list(q4, lang="zh", fmt="text", template_dir=tmp_path)
    assert text.startswith("各位，\n┌")
    assert "<table" in render_action_list(q4, lang="zh", fmt="html", template_dir=tmp_path)
