"""Issue 14 part 6: what /api/openapi.json promises a client — the bearer scheme on every operation,
If-Match required where a missing one gets 428, ETag declared where it is sent, only the errors an
operation can give with the error body's schema, an example for every body (each one valid for its
model), and summaries and descriptions written for people. The answers are checked against the app."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from pydantic import BaseModel

from luodi.web import errors as web_errors
from luodi.web.api import followup_schemas, schemas
from luodi.web.api.examples import ERROR_EXAMPLES, EXAMPLES
from web.conftest import World

METHODS = ("get", "post", "patch", "put", "delete")


def _document(world: World) -> dict[str, Any]:
    response = world.client().get("/api/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items() if method in METHODS]


def _models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in (schemas, followup_schemas, web_errors):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[name] = value
    return found


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    code = next(code for code in operation["responses"] if code.startswith("2"))
    return code, operation["responses"][code]


def test_every_operation_needs_the_bearer_token_and_the_scheme_is_declared(world: World) -> None:
    document = _document(world)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "ld_…",
        "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    operations = _operations(document)
    assert len(operations) >= 30
    for method, path, operation in operations:
        assert {"bearer": []} in operation["security"], (method, path)
        anonymous = {} in operation["security"]
        assert anonymous == (path == "/api/v1/items/{item_id}/confirm"), (method, path)   # the link's token
        assert "401" in operation["responses"], (method, path)
    # …and the server agrees: without a token, 401 and the header that names the scheme.
    answer = world.client().get("/api/v1/items")
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_if_match_is_required_exactly_where_a_missing_one_gets_428(world: World) -> None:
    api = world.api("coordinator")
    item = world.ids["T001"]
    bodies = {"patch": {"title": "新标题"}, "post": {"status": "done"}}
    checked = 0
    for method, path, operation in _operations(_document(world)):
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if_match = [p for p in headers if p["name"] == "If-Match"]
        assert bool(if_match) == ("428" in operation["responses"]), (method, path)
        if not if_match:
            continue
        assert if_match[0]["required"] is True and if_match[0]["schema"]["type"] == "string"
        url = path.replace("{item_id}", str(item))
        missing = api.request(method.upper(), url, json=bodies[method])
        assert missing.status_code == 428 and missing.json() == {"detail": [
            {"field": "If-Match", "message": "请在 If-Match 中带上行动项的 ETag。"}]}, (method, path)
        checked += 1
    assert checked == 2


def test_etag_is_declared_on_the_answers_that_send_it(world: World) -> None:
    document = _document(world)
    declared = {(method, path) for method, path, operation in _operations(document)
                if "ETag" in _success(operation)[1].get("headers", {})}
    assert declared == {("get", "/api/v1/items/{item_id}"), ("post", "/api/v1/items"),
                        ("patch", "/api/v1/items/{item_id}"), ("post", "/api/v1/items/{item_id}/status"),
                        ("post", "/api/v1/items/{item_id}/confirm")}
    owner, item = world.api("owner"), f"/api/v1/items/{world.ids['T001']}"
    read = owner.get(item)
    assert read.headers["etag"] == '"1"'
    confirmed = owner.post(f"{item}/confirm", json={})
    assert confirmed.status_code == 200 and confirmed.headers["etag"] == '"2"' == f'"{confirmed.json()["version"]}"'
    moved = owner.post(f"{item}/status", json={"status": "done"}, headers={"If-Match": confirmed.headers["etag"]})
    assert moved.status_code == 200 and moved.headers["etag"] == '"3"'
    changed = world.api("coordinator").patch(item, json={"title": "细化活动方案（含预算）"},
                                             headers={"If-Match": moved.headers["etag"]})
    assert changed.headers["etag"] == '"4"'
    created = world.api("coordinator").post("/api/v1/items", json={
        "project_id": world.ids["project"], "title": "准备物料清单", "owner": "小王", "due": "2026-10-09"})
    assert created.status_code == 201 and created.headers["etag"] == '"1"'
    assert "etag" not in owner.get(f"{item}/history").headers


def test_a_status_change_raises_the_version_so_the_old_etag_is_refused(world: World) -> None:
    owner, item = world.api("owner"), f"/api/v1/items/{world.ids['T001']}"
    before = owner.get(item).headers["etag"]
    moved = owner.post(f"{item}/status", json={"status": "done"}, headers={"If-Match": before})
    assert moved.status_code == 200 and moved.headers["etag"] != before
    assert owner.get(item).headers["etag"] == moved.headers["etag"] == f'"{world.item("T001").version}"'
    again = owner.post(f"{item}/status", json={"status": "in_progress"}, headers={"If-Match": before})
    assert again.status_code == 412 and world.item("T001").status.value == "done"


def test_errors_are_declared_with_the_error_body_and_only_where_they_can_happen(world: World) -> None:
    for method, path, operation in _operations(_document(world)):
        errors = {code: r for code, r in operation["responses"].items() if not code.startswith("2")}
        for code, response in errors.items():
            media = response["content"]["application/json"]
            assert media["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
            assert web_errors.ErrorBody.model_validate(media["example"]), (method, path, code)
        has_input = bool(operation.get("parameters")) or "requestBody" in operation
        assert ("422" in errors) == has_input, (method, path)
        if "requestBody" in operation:   # a body that is not JSON in UTF-8 gets 400
            assert "400" in errors, (method, path)
        assert ("404" in errors) == ("{" in path or any(p["name"] == "project"
                                                       for p in operation.get("parameters", []))
                                     or (method == "post" and path in ("/api/v1/items", "/api/v1/meetings"))), \
            (method, path)
        assert "403" not in errors or method != "get", (method, path)     # reads of what one may not see: 404
        assert "409" not in errors or method != "get", (method, path)
    assert set(ERROR_EXAMPLES) >= {400, 401, 403, 404, 409, 410, 412, 422, 428}


def test_every_body_has_an_example_that_its_model_accepts_unchanged(world: World) -> None:
    document, models = _document(world), _models()
    for method, path, operation in _operations(document):
        bodies = [("request", operation["requestBody"])] if "requestBody" in operation else []
        bodies.append(("response", _success(operation)[1]))
        for kind, body in bodies:
            media = body["content"]["application/json"]
            assert "example" in media, (method, path, kind)
            schema = media["schema"]
            many = schema.get("type") == "array"
            name = (schema["items"] if many else schema)["$ref"].rsplit("/", 1)[-1]
            examples = media["example"] if many else [media["example"]]
            assert examples, (method, path, kind)
            for example in examples:
                parsed = models[name].model_validate(example)
                assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == example, (name, example)
    unused = set(EXAMPLES) - set(document["components"]["schemas"])
    assert not unused, unused


@pytest.mark.parametrize("code", [400, 401, 403, 404, 412, 428])
def test_the_error_examples_are_what_the_server_says(world: World, code: int) -> None:
    """The error examples' messages are the server's own words (the most common statuses)."""
    api, item = world.api("coordinator"), world.ids["T001"]
    answers = {
        400: lambda: api.post("/api/v1/items", json={"project_id": world.ids["project"], "title": "x",
                                                     "owner": "谁", "due": "2026-10-01"}),
        401: lambda: world.client().get("/api/v1/me"),
        403: lambda: world.api("viewer").post(f"/api/v1/items/{item}/comments", json={"body": "x"}),
        404: lambda: api.get("/api/v1/items/99999"),
        412: lambda: api.patch(f"/api/v1/items/{item}", json={"title": "x"}, headers={"If-Match": '"7"'}),
        428: lambda: api.patch(f"/api/v1/items/{item}", json={"title": "x"}),
    }
    answer = answers[code]()
    assert answer.status_code == code
    example = ERROR_EXAMPLES[code]["detail"][0]
    got = answer.json()["detail"][0]
    assert got["field"] == example["field"]
    if code == 412:
        assert got["message"] == example["message"].replace("第 2 版", "第 1 版")
    else:
        assert got["message"] == example["message"]


def test_summaries_and_descriptions_are_written_for_people(world: World) -> None:
    seen: set[str] = set()
    for method, path, operation in _operations(_document(world)):
        summary, description = operation.get("summary", ""), operation.get("description", "")
        default = operation["operationId"].replace("_", " ").title()
        assert summary and summary != default and not summary.endswith("."), (method, path, summary)
        assert summary not in seen, summary
        seen.add(summary)
        assert len(description.split()) >= 8 and description.rstrip().endswith((".", ")")), (method, path)
        assert operation["operationId"].isidentifier(), operation["operationId"]


def test_a_body_that_is_not_utf8_json_gets_400_in_the_users_language(world: World) -> None:
    """What schemathesis found: FastAPI answers 400 (not 422) for bytes that do not decode."""
    answer = world.api("coordinator").post(f"/api/v1/blockers/{world.ids['T001']}/clear", content=b"\xff\xfe{",
                                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json() == {"detail": [{"field": None, "message": "无法读取请求正文：请发送 UTF-8 编码的 JSON。"}]}
