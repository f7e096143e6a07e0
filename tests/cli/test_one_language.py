"""Issue 15 point 6: every CLI message in one language at a time — a missing file, a folder for a
file, click's own usage errors — Chinese beside Chinese, English beside English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ENGLISH_WORDS = re.compile(r"No such|Missing|Error:|Try '|Invalid value|Input should|directory|not a file")
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
