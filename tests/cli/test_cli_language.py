"""The CLI speaks the user's language: Chinese by default, English with LUODI_LANGUAGE=en; --json stays English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer.main
from babel.messages.pofile import read_po

from luodi.cli.localize import help_texts
from luodi.cli.main import app
from luodi.i18n import LOCALE_DIR, translations

Q4_ZH = Path(__file__).parents[1] / "data" / "q4_zh.md"


def _load(cli: Any, people_csv: Path) -> None:
    cli.env["LUODI_CLOCK"] = "2026-09-28T09:00+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(Q4_ZH)).exit_code == 0


def test_every_help_text_of_every_command_has_a_chinese_translation() -> None:
    texts = help_texts(typer.main.get_command(app))
    assert len(texts) > 150  # every command and option, not just the top group
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [text for text in texts if text not in catalog or not catalog[text].string]
    assert not untranslated, untranslated[:10]
    assert translations("zh").gettext("List items, filtered.") == "按条件列出事项。"


def test_help_is_chinese_by_default_and_english_on_request(cli: Any) -> None:
    cli.env["LUODI_LANGUAGE"] = ""  # unset: the default language
    zh = cli("item", "list", "--help")
    assert zh.exit_code == 0
    for words in ("用法:", "按条件列出事项。", "选项:", "负责人姓名", "[默认：1000]", "显示此帮助并退出。"):
        assert words in zh.stdout, (words, zh.stdout)
    assert "Owner's name" not in zh.stdout
    confirm = cli("item", "confirm", "--help").stdout
    assert "参数:" in confirm and "[必填]" in confirm and "确认的负责人" in confirm
    cli.env["LUODI_LANGUAGE"] = "en"
    en = cli("item", "list", "--help").stdout
    for words in ("Usage:", "List items, filtered.", "Options:", "Owner's name", "[default: 1000]"):
        assert words in en, (words, en)
    assert "负责人姓名" not in en


def test_the_language_comes_from_the_toml_file_too(cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "luodi.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    cli.env.update({"LUODI_LANGUAGE": "", "LUODI_CONFIG": str(config)})
    assert "List items, filtered." in cli("item", "list", "--help").stdout


def test_the_installed_command_prints_chinese_help(cli: Any) -> None:
    done = subprocess.run([sys.executable, "-m", "luodi", "--help"], env=os.environ | cli.env | {"LUODI_LANGUAGE": ""},
                          capture_output=True, text=True, timeout=60, check=True)
    assert "让会议决议落地" in done.stdout and "命令:" in done.stdout and "人员名录。" in done.stdout


def test_tables_and_statuses_follow_the_language_json_stays_english(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    cli.env.update({"LUODI_LANGUAGE": "zh", "COLUMNS": "200"})  # a wide terminal: Rich wraps no header
    table = cli("item", "list").stdout
    assert "责任人" in table and "状态" in table and "未开始" in table and "not_started" not in table
    assert "状态" in cli("outbox", "list").stdout
    assert "姓名" in cli("people", "list").stdout
    timeline = cli("timeline", "--meeting", "1").stdout
    assert "截止前3天提醒" in timeline and "remind_before_3d" not in timeline
    rows = cli("item", "list", "--json").json()
    assert {row["status"] for row in rows} <= {"not_started", "in_progress"} and "owner" in rows[0]
    cli.env["LUODI_LANGUAGE"] = "en"
    english = cli("item", "list").stdout
    assert "owner" in english and "Not started" in english and "未开始" not in english
    assert "Reminder 3 days before the due date" in cli("timeline", "--meeting", "1").stdout


def test_report_weekly_json(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    cli.env["LUODI_LANGUAGE"] = "zh"
    document = cli("report", "weekly", "--week", "2026-W40", "--json").json()
    assert document["week"] == "2026-W40" and document["monday"] == "2026-09-28"
    assert document["sunday"] == "2026-10-04" and document["completed"] == [] and document["delayed"] == []
    upcoming = {line["code"]: line for line in document["next_week"]}
    assert upcoming["T001"]["status"] == "in_progress" and upcoming["T001"]["owner"] == "小王"
    assert upcoming["T001"]["due"] == "2026-09-30"
    assert document["agenda"] and all(point["title"].isascii() for point in document["agenda"])  # msgids, not 中文
    assert document["recommendation"] in ("standup", "weekly")
