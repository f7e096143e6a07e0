"""The Jinja2 environments: per language, user folder first, autoescape for HTML only, filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from luodi.domain.enums import ItemStatus, Priority
from luodi.render.env import (
    PACKAGE_TEMPLATES,
    get_environment,
    markdown_escape,
    priority_label,
    status_label,
)


def test_environments_are_cached_per_language_and_folder(tmp_path: Path) -> None:
    assert get_environment("zh") is get_environment("zh-CN")
    assert get_environment("zh") is not get_environment("en")
    assert get_environment("zh", tmp_path) is get_environment("zh", str(tmp_path))
    assert get_environment("zh", tmp_path) is not get_environment("zh")


def test_a_user_folder_overrides_one_packaged_template(tmp_path: Path) -> None:
    (tmp_path / "action_list").mkdir()
    (tmp_path / "action_list" / "subject.txt").write_text("【会后必读】{{ view.title }}\n", encoding="utf-8")
    env = get_environment("zh", tmp_path)
    assert env.get_template("action_list/subject.txt").render(view={"title": "Q4"}).strip() == "【会后必读】Q4"
    # What the folder does not hold still comes from the package, and the package is untouched.
    body = Path(str(env.get_template("action_list/body.txt").filename))
    assert body.is_relative_to(PACKAGE_TEMPLATES)
    packaged = get_environment("zh").get_template("action_list/subject.txt").render(view={"title": "Q4"})
    assert packaged.strip() == "【行动项】Q4"


@pytest.mark.parametrize(("name", "expected"), [("x.html", "&lt;b&gt;"), ("x.txt", "<b>"), ("x.md", "<b>")])
def test_html_templates_are_autoescaped_and_others_are_not(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_text("{{ value }}", encoding="utf-8")
    assert get_environment("zh", tmp_path).get_template(name).render(value="<b>") == expected


def test_templates_are_translated_per_environment() -> None:
    source = '{{ _("Hi all,") }} {{ ngettext("%(num)d day overdue", "%(num)d days overdue", 3) }}'
    assert get_environment("zh").from_string(source).render() == "各位， 逾期3天"
    assert get_environment("en").from_string(source).render() == "Hi all, 3 days overdue"


def test_date_filters_use_the_reference_year_from_the_context() -> None:
    env = get_environment("zh")
    template = env.from_string("{{ day|zhdate }}")
    assert template.render(day=date(2026, 9, 30), ref_year=2026) == "9月30日"
    assert template.render(day=date(2027, 1, 5), ref_year=2026) == "2027年1月5日"
    assert get_environment("en").from_string("{{ day|zhdate(2026) }}").render(day=date(2026, 9, 30)) == "Sep 30"
    assert env.from_string("{{ day|when }}").render(day=date(2026, 10, 9), today=date(2026, 10, 6)) == "周五"


def test_undefined_variables_fail_loudly() -> None:
    with pytest.raises(UndefinedError):
        get_environment("zh").from_string("{{ missing.name }}").render()


def test_status_and_priority_labels() -> None:
    assert status_label(ItemStatus.NOT_STARTED, "zh") == "⚪ 未开始"
    assert status_label(ItemStatus.IN_PROGRESS, "zh") == "🔵 进行中"
    assert status_label(ItemStatus.AT_RISK, "zh") == "🟠 有风险"
    assert status_label(ItemStatus.DELAYED, "zh") == "⚫ 已延期"
    assert status_label(ItemStatus.DONE, "en") == "🟢 Done"
    assert status_label(ItemStatus.DONE, "zh", emoji=False) == "已完成"
    assert priority_label(Priority.HIGH, "zh") == "高"
    env = get_environment("zh")
    assert env.from_string("{{ s|status }} {{ p|stars }} {{ p|priority }}").render(
        s=ItemStatus.AT_RISK, p=Priority.MEDIUM
    ) == "🟠 有风险 ⭐⭐ 中"


def test_markdown_escape_makes_user_text_inert() -> None:
    assert markdown_escape("**bold** [x](javascript:alert(1)) <script>") == (
        r"\*\*bold\*\* \[x\](javascript:alert(1)) &lt;script&gt;"
    )
    assert markdown_escape("细化活动方案") == "细化活动方案"
