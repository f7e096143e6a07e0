"""The CLI speaks the user's language: Chinese by default, English with LUODI_LANGUAGE=en; --json stays English."""

from __future__ import annotations

import os
import re
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


# Words that stay English in Chinese help: luodi's own command lines and values a user types.
TYPED = re.compile(r"luodi(?: [a-z][a-z-]*)+|[a-z_]+(?:,[a-z_]+)+(?:\[,[a-z_]+,…\])?")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z']+(?:[ ,][A-Za-z][A-Za-z']+)+")


def _english_left(text: str) -> list[str]:
    """Runs of two or more English words once what is typed, not read, is taken out: option names,
    metavars, env vars, placeholders in braces, `code`, URLs and luodi's own command lines."""
    for pattern in (r"`[^`]*`", r"https?://\S+", r"(?<![\w])--?[\w-]+", r"<[^>]*>", r"\{[^}]*\}",
                    r"\b[A-Z][A-Z0-9_]+\b", TYPED.pattern):
        text = re.sub(pattern, " ", text)
    return [run for line in text.splitlines() for run in ENGLISH_RUN.findall(line)]


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name in sorted(getattr(command, "commands", {}) or {}):
        found += _command_paths(command.commands[name], (*path, name))
    return found


def test_every_help_screen_is_chinese_by_default(cli: Any) -> None:
    """Issue 14 part 7: walk the whole command tree; no help screen keeps an English sentence in zh."""
    cli.env.update({"LUODI_LANGUAGE": "", "COLUMNS": "200"})
    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) > 80
    left: dict[str, list[str]] = {}
    for path in paths:
        screen = cli(*path, "--help")
        assert screen.exit_code == 0 and "用法:" in screen.stdout, (path, screen.stderr)
        if found := _english_left(screen.stdout):
            left[" ".join(("luodi", *path))] = found
    assert not left, left
    # The check itself catches English: the same walk in English finds it on every screen.
    cli.env["LUODI_LANGUAGE"] = "en"
    assert all(_english_left(cli(*path, "--help").stdout) for path in paths)


TABLES = [("item", "list"), ("outbox", "list"), ("people", "list"), ("meeting", "list"), ("meeting", "show", "1"),
          ("meeting", "status", "1"), ("meeting", "render", "1"), ("timeline", "--meeting", "1"), ("today",),
          ("metrics",), ("report", "weekly", "--week", "2026-W40"), ("report", "standup"), ("report", "sync"),
          ("user", "list"), ("token", "list"), ("channel", "list"), ("webhook", "list"), ("blocker", "list"),
          ("cadence", "T002"), ("profile", "小王"), ("config", "show"), ("calendar", "show", "2026"),
          ("carryover", "1"), ("checklist", "T001")]


def test_every_table_and_report_is_chinese_by_default(cli: Any, tmp_path: Path) -> None:
    """Issue 14 part 7: what the commands print — headers, statuses, rule names, notes — has no
    English sentence left in zh (everyone of the directory reads Chinese here, so the messages too)."""
    from conftest import PEOPLE_CSV

    everyone_zh = tmp_path / "people.csv"
    everyone_zh.write_text(PEOPLE_CSV.replace(",en\n", ",zh\n"), encoding="utf-8")
    _load(cli, everyone_zh)
    cli.env.update({"LUODI_LANGUAGE": "zh", "COLUMNS": "250"})
    assert cli("user", "add", "小林", "--role", "coordinator").exit_code == 0
    left = {}
    for args in TABLES:
        printed = cli(*args)
        assert printed.exit_code == 0, (args, printed.stderr)
        if found := _english_left(printed.stdout + printed.stderr):
            left[" ".join(args)] = found
    assert not left, left
    assert "已由「截止当天上午提醒」取代" in cli("timeline", "--meeting", "1").stdout
    rows = cli("timeline", "--meeting", "1", "--json").json()
    assert any(row["note"] == "superseded by remind_due_morning" for row in rows)   # --json stays English
