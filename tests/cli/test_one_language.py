"""Issue 15 point 6: every CLI message in one language at a time — a missing file, a folder for a
file, click's own usage errors, a bad setting and why it is bad — Chinese beside Chinese, English
beside English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ENGLISH_WORDS = re.compile(r"No such|Missing|Error:|Try '|Invalid value|Input should|directory|not a file|"
                           r"expected|must be|refuses|unknown|give the|placeholder|is not|should be")
CASES = [
    (("meeting", "lint", "{missing}"), "{missing}：文件不存在", "{missing}: no such file"),
    (("meeting", "import", "{missing}"), "{missing}：文件不存在", "{missing}: no such file"),
    (("people", "import", "{missing}"), "{missing}：文件不存在", "{missing}: no such file"),
    (("meeting", "lint", "{folder}"), "{folder}：这是文件夹，不是文件", "{folder}: is a folder, not a file"),
    (("meeting", "lint"), "错误：缺少参数 'file'。", "Error: Missing argument 'file'."),
    (("meeting", "lint", "--bogus", "x"), "错误：没有这个选项：--bogus", "Error: No such option: --bogus"),
    (("bogus",), "错误：没有命令 'bogus'。", "Error: No such command 'bogus'."),
    (("meeting", "render", "abc"), "错误：'meeting_id' 的值无效：应为整数",
     "Error: Invalid value for 'meeting_id': expected a whole number"),
    (("serve", "--port", "abc"), "错误：'--port' 的值无效：应为整数",
     "Error: Invalid value for '--port': expected a whole number"),
    (("serve", "--port"), "错误：选项 '--port' 需要一个值。", "Error: Option '--port' requires an argument."),
]


@pytest.mark.parametrize(("args", "zh", "en"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_each_message_in_the_users_language(cli: Any, tmp_path: Path, args: tuple[str, ...], zh: str,
                                             en: str) -> None:
    places = {"missing": str(tmp_path / "absent.md"), "folder": str(tmp_path)}
    argv = [arg.format(**places) for arg in args]
    cli.env["LUODI_LANGUAGE"] = "zh"
    chinese = cli(*argv)
    assert chinese.exit_code == 2
    assert zh.format(**places) in chinese.stderr, chinese.stderr
    assert not ENGLISH_WORDS.search(chinese.stderr.replace(places["folder"], "")), chinese.stderr
    cli.env["LUODI_LANGUAGE"] = "en"
    english = cli(*argv)
    assert english.exit_code == 2
    assert en.format(**places) in english.stderr, english.stderr
    assert not re.search(r"[\u4e00-\u9fff]", english.stderr), english.stderr


# A bad setting: the variable, and the reason from pydantic's error type or luodi's own check.
SETTINGS = [
    ({"LUODI_SMTP_PORT": "x"}, "设置 LUODI_SMTP_PORT：应为整数", "setting LUODI_SMTP_PORT: expected a whole number"),
    ({"LUODI_SMTP_TIMEOUT": "x"}, "设置 LUODI_SMTP_TIMEOUT：应为数字", "setting LUODI_SMTP_TIMEOUT: expected a number"),
    ({"LUODI_API_DOCS": "maybe"}, "设置 LUODI_API_DOCS：应为真或假",
     "setting LUODI_API_DOCS: expected true or false"),
    ({"LUODI_SESSION_IDLE_HOURS": "-1"}, "设置 LUODI_SESSION_IDLE_HOURS：必须大于 0",
     "setting LUODI_SESSION_IDLE_HOURS: must be greater than 0"),
    ({"LUODI_CALENDAR": "mars"}, "设置 LUODI_CALENDAR：应为以下之一：'china', 'weekends', 'none'",
     "setting LUODI_CALENDAR: expected one of 'china', 'weekends', 'none'"),
    ({"LUODI_END_OF_DAY": "late"}, "设置 LUODI_END_OF_DAY：应为时刻，如 18:00",
     "setting LUODI_END_OF_DAY: expected a time of day such as 18:00"),
    ({"LUODI_CLOCK": "2026-01-01T10:00"}, "设置 LUODI_CLOCK：请写明时区偏移",
     "setting LUODI_CLOCK: give the time zone offset"),
    ({"LUODI_CLOCK": "soon"}, "设置 LUODI_CLOCK：应为日期和时间", "setting LUODI_CLOCK: expected a date and time"),
    ({"LUODI_TIMEZONE": "Mars/Olympus"}, "设置 LUODI_TIMEZONE：未知时区 'Mars/Olympus'",
     "setting LUODI_TIMEZONE: unknown time zone 'Mars/Olympus'"),
    ({"LUODI_CONFIRM_DEADLINE": "25:00"}, "设置 LUODI_CONFIRM_DEADLINE：应为 HH:MM，实际为 '25:00'",
     "setting LUODI_CONFIRM_DEADLINE: expected HH:MM, got '25:00'"),
    ({"LUODI_SECRET_KEY": "change-me"}, "设置：LUODI_SECRET_KEY 是占位值 'change-me'",
     "settings: LUODI_SECRET_KEY is the placeholder 'change-me'"),
    ({"LUODI_ENV": "production", "LUODI_SECRET_KEY": "short", "LUODI_BASE_URL": "http://x"},
     "设置：LUODI_ENV=production 拒绝启动：LUODI_SECRET_KEY 短于 32 个字符；LUODI_BASE_URL 不是 https（http://x）",
     "settings: LUODI_ENV=production refuses to start: LUODI_SECRET_KEY is shorter than 32 characters; "
     "LUODI_BASE_URL is not https (http://x)"),
]


@pytest.mark.parametrize(("change", "zh", "en"), SETTINGS, ids=[",".join(c[0]) for c in SETTINGS])
def test_a_bad_setting_says_why_in_the_users_language(cli: Any, change: dict[str, str], zh: str, en: str) -> None:
    cli.env.update(change)
    cli.env["LUODI_LANGUAGE"] = "zh"
    chinese = cli("item", "list")
    assert chinese.exit_code == 2
    assert f"luodi: {zh}" in chinese.stderr, chinese.stderr
    assert not ENGLISH_WORDS.search(chinese.stderr), chinese.stderr
    cli.env["LUODI_LANGUAGE"] = "en"
    english = cli("item", "list")
    assert english.exit_code == 2
    assert f"luodi: {en}" in english.stderr, english.stderr
    assert not re.search(r"[\u4e00-\u9fff]", english.stderr), english.stderr


def test_every_settings_error_has_its_own_words() -> None:
    """Each setting given a wrong value fails with an error type the catalogs word (a new setting
    whose errors would come out in pydantic's English fails here)."""
    from pydantic import ValidationError

    from luodi.cli.reasons import known_types
    from luodi.config import Settings

    seen: set[str] = set()
    for name in Settings.model_fields:
        for wrong in ("abc", "-1", "25:99"):
            try:
                values: dict[str, Any] = {"database_url": "sqlite:///unused.db", "secret_key": "k" * 40, name: wrong}
                Settings(**values)
            except ValidationError as exc:
                seen |= {str(error["type"]) for error in exc.errors()}
    assert seen and seen <= known_types(), sorted(seen - known_types())


def test_a_bare_group_shows_its_help_not_an_error(cli: Any) -> None:
    cli.env["LUODI_LANGUAGE"] = "zh"
    result = cli("meeting")
    assert "会议及其【行动项】清单" in result.stderr + result.stdout
    assert not re.search(r"^(错误|Error)", result.stderr, re.MULTILINE), result.stderr
