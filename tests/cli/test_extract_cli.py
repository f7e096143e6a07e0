"""`luodi meeting extract` through the real CLI (issue 9 part 3): candidates with their lines and
sentences in the contract's JSON; `-o` writes a draft that `meeting import` takes; `--llm` asks a
local server that speaks the OpenAI chat API, and its candidates are checked before they are shown."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select

from luodi.models import Item
from support.cli import Cli
from support.q4 import open_session

MINUTES = Path(__file__).parents[1] / "data" / "minutes"


@pytest.fixture
def directory(cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,email,phone,supervisor\n小林,lin@example.cn,,\n小王,wang@example.cn,,\n"
                      "小李,li@example.cn,,\n小张,zhang@example.cn,,\n", encoding="utf-8")
    assert cli("people", "import", str(people)).exit_code == 0


def test_extract_prints_the_contract_json_and_writes_nothing(cli: Cli, directory: None, db_url: str) -> None:
    result = cli("meeting", "extract", str(MINUTES / "q4_kickoff.txt"), "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert set(doc) == {"decisions", "items"}
    assert doc["decisions"][0] == {"text": "活动定在12月20日举办，预算上限20万", "source_line": 6}
    assert doc["items"][0] == {"title": "提交详细执行方案", "owner": "小王", "due": "2026-12-04", "source_line": 11,
                               "sentence": "小王负责在12月4日前提交详细执行方案"}
    with open_session(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 0


def test_the_draft_is_reviewed_then_imported(cli: Cli, directory: None, db_url: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    result = cli("meeting", "extract", str(MINUTES / "q4_kickoff.txt"), "-o", str(draft))
    assert result.exit_code == 0 and "4 items" in result.stdout and str(draft) in result.stdout
    asked = cli("meeting", "import", str(draft), "--json")
    assert asked.exit_code == 1
    assert [(q["field"], q["choices"]) for q in asked.json()["questions"]] == [("owner", ["小李", "小王"])]
    line = asked.json()["questions"][0]["line"]
    done = cli("meeting", "import", str(draft), "--answer", f"{line}:owner=小李", "--json")
    assert done.exit_code == 0, done.stdout
    with open_session(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 4


def test_bad_source_and_missing_llm_settings_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    text = tmp_path / "m.txt"
    text.write_text("小王负责方案", encoding="utf-8")
    assert cli("meeting", "extract", str(text), "--from", "email").exit_code == 2
    refused = cli("meeting", "extract", str(text), "--llm")
    assert refused.exit_code == 2 and "LUODI_LLM_URL" in refused.stderr


class _ChatAPI(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions as an OpenAI-compatible server does."""

    seen: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[dict[str, Any]] = {}

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path != "/v1/chat/completions" or self.headers.get("Authorization") != "Bearer sk-test":
            self.send_response(401)
            self.end_headers()
            return
        reply = {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": json.dumps(self.answer)}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chat_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatAPI)
    _ChatAPI.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_the_language_model_path_is_checked_before_it_is_shown(cli: Cli, directory: None, chat_api: str) -> None:
    _ChatAPI.answer = {
        "decisions": [{"text": "活动定在12月20日", "source_line": 6}, {"text": "invented", "source_line": 999}],
        "items": [{"title": "提交执行方案", "owner": "小王", "due": "2026-12-04", "source_line": 11},
                  {"title": "no such line", "owner": "小李", "due": "2026-12-09", "source_line": 0},
                  {"title": "评估", "owner": "小李", "due": "next week", "source_line": 11}],
    }
    cli.env.update({"LUODI_LLM_URL": chat_api, "LUODI_LLM_MODEL": "qwen-test", "LUODI_LLM_API_KEY": "sk-test"})
    result = cli("meeting", "extract", str(MINUTES / "q4_kickoff.txt"), "--llm", "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["decisions"] == [{"text": "活动定在12月20日", "source_line": 6}]
    assert [(i["title"], i["owner"], i["due"], i["source_line"]) for i in doc["items"]] == [
        ("提交执行方案", "小王", "2026-12-04", 11), ("评估", "小李", None, 11)]
    assert doc["items"][0]["sentence"].startswith("小王负责在12月4日前")
    request = _ChatAPI.seen[0]
    assert request["body"]["model"] == "qwen-test" and request["auth"] == "Bearer sk-test"
    assert "L11: 小王负责在12月4日前提交详细执行方案" in request["body"]["messages"][1]["content"]
    assert "小王" in request["body"]["messages"][0]["content"]


def test_a_model_that_refuses_is_a_clear_error(cli: Cli, directory: None, chat_api: str) -> None:
    cli.env.update({"LUODI_LLM_URL": chat_api, "LUODI_LLM_MODEL": "m", "LUODI_LLM_API_KEY": "wrong"})
    result = cli("meeting", "extract", str(MINUTES / "q4_kickoff.txt"), "--llm")
    assert result.exit_code == 2 and "401" in result.stderr
