"""Local stand-ins for the IM vendors' webhook endpoints, for tests of luodi.notify.

Each fake is a real HTTP server (stdlib ``http.server`` in a thread) on 127.0.0.1 that checks a
request the way its vendor documents (path token, signature, timestamp window, message shape,
rate limits) and answers with the vendor's own success and error bodies. The signature checks
are written here from the vendors' documentation, independently of luodi's code, so a test
passes only when luodi signs the way the vendor verifies. Sources: docs/channels.md.

    with DingTalkBot(secret="SEC123") as bot:
        DingTalk(DingTalkConfig(url=bot.url, secret="SEC123"), http=client).send(message)
        bot.last.query["sign"], bot.last.json["at"]["atMobiles"]
        bot.fail_next(2, "rate_limit")         # the next two requests get the vendor's rate-limit answer

Answers a vendor does not document for a case (e.g. an over-long body) are marked as the fake's
own: ``{"errcode": -1, "errmsg": "luodi fake: …"}`` with HTTP 400, never presented as the vendor's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

Failure = Literal["rate_limit", "server_error"]


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str  # without the query string
    query: dict[str, str]  # decoded, last value wins (as the vendors read them)
    raw_query: str  # exactly as sent, still percent-encoded
    headers: dict[str, str]  # lower-cased names
    body: bytes
    json: Any  # the parsed body, or None when it is not JSON


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def json(document: Any, status: int = 200, **headers: str) -> Reply:
        return Reply(status, json.dumps(document, ensure_ascii=False).encode(), headers=headers)

    @staticmethod
    def text(body: str, status: int = 200, **headers: str) -> Reply:
        return Reply(status, body.encode(), "text/html", headers)


def fake_error(reason: str) -> Reply:
    """An answer the vendor does not document for this case: clearly the fake's own."""
    return Reply.json({"errcode": -1, "errmsg": f"luodi fake: {reason}"}, status=400)


class FakeBot:
    """Base class: server lifecycle, request log, scripted failures, sliding-window limits."""

    limits: tuple[tuple[int, float], ...] = ()  # (max sends, seconds); beyond → rate_limited()
    ban_seconds = 0.0  # after tripping a limit, refuse for this long (DingTalk: 10 minutes)

    def __init__(self, *, token: str = "fake-token", secret: str | None = None,
                 clock: Callable[[], float] = time.time, enforce_limits: bool = True) -> None:
        self.token, self.secret, self.clock, self.enforce_limits = token, secret, clock, enforce_limits
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._accepted: list[Recorded] = []
        self._accepted_at: list[float] = []
        self._failures: list[Failure] = []
        self._banned_until = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- what subclasses provide -------------------------------------------------------------
    def webhook_path(self) -> str:
        raise NotImplementedError

    def handle(self, request: Recorded) -> Reply:
        """Check the request; return the vendor's error, or None-equivalent success via accept()."""
        raise NotImplementedError

    def rate_limited(self) -> Reply:
        raise NotImplementedError

    def server_error(self) -> Reply:
        return Reply.text("<html><body><h1>502 Bad Gateway</h1></body></html>", status=502)

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Self:
        bot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stalls
            wbufsize = 1 << 16  # ... and one flush per response

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                try:
                    document = json.loads(raw) if raw else None
                except ValueError:
                    document = None
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Recorded("POST", parts.path, query, parts.query, headers, raw, document)
                reply = bot._dispatch(request)
                self.send_response(reply.status)
                self.send_header("Content-Type", f"{reply.content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The webhook URL a user would paste into luodi, token included."""
        return self.base_url + self.webhook_path()

    # --- what tests read and script ----------------------------------------------------------
    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def accepted(self) -> list[Recorded]:
        """The requests the fake delivered (answered with success)."""
        with self._lock:
            return list(self._accepted)

    @property
    def last(self) -> Recorded:
        with self._lock:
            assert self._requests, "no request received"
            return self._requests[-1]

    def fail_next(self, count: int, failure: Failure = "rate_limit") -> None:
        """Answer the next ``count`` requests with the vendor's rate-limit answer or a 502."""
        with self._lock:
            self._failures.extend([failure] * count)

    def _dispatch(self, request: Recorded) -> Reply:
        with self._lock:
            self._requests.append(request)
            failure = self._failures.pop(0) if self._failures else None
        if failure == "rate_limit":
            return self.rate_limited()
        if failure == "server_error":
            return self.server_error()
        return self.handle(request)

    def accept(self, request: Recorded, success: Reply) -> Reply:
        """Count the send against the limits; deliver it (``success``) or answer rate_limited()."""
        now = self.clock()
        with self._lock:
            if self.enforce_limits and now < self._banned_until:
                return self.rate_limited()
            for most, seconds in self.limits if self.enforce_limits else ():
                if sum(1 for t in self._accepted_at if t > now - seconds) >= most:
                    self._banned_until = now + self.ban_seconds
                    return self.rate_limited()
            self._accepted.append(request)
            self._accepted_at.append(now)
        return success


def _b64_hmac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class FeishuBot(FakeBot):
    """Feishu/Lark custom bot (自定义机器人), signature verification on when ``secret`` is set."""

    limits = ((5, 1.0), (100, 60.0))

    def webhook_path(self) -> str:
        return f"/open-apis/bot/v2/hook/{self.token}"

    def handle(self, request: Recorded) -> Reply:
        if request.path != self.webhook_path():
            return Reply.json({"code": 19001, "data": {},
                               "msg": "param invalid: incoming webhook access token invalid"})
        body = request.json
        if not isinstance(body, dict) or len(request.body) > 20 * 1024:
            return Reply.json({"code": 9499, "data": {}, "msg": "Bad Request"}, status=400)
        if self.secret is not None and not self._signed(body):
            return Reply.json({"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not "
                               "within one hour from current time"})
        msg_type = body.get("msg_type")
        if msg_type not in {"text", "post", "image", "share_chat", "interactive"}:
            return Reply.json({"code": 9499, "data": {}, "msg": "Bad Request"}, status=400)
        if msg_type == "interactive" and not isinstance(body.get("card"), dict):
            return Reply.json({"code": 9499, "data": {}, "msg": "Bad Request"}, status=400)
        success = {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}
        return self.accept(request, Reply.json(success))

    def _signed(self, body: dict[str, Any]) -> bool:
        """Feishu: key = timestamp + "\\n" + secret, HMAC-SHA256 over empty bytes, base64."""
        try:
            timestamp = int(body["timestamp"])
        except (KeyError, TypeError, ValueError):
            return False
        if abs(self.clock() - timestamp) > 3600:
            return False
        expected = _b64_hmac(f"{timestamp}\n{self.secret}".encode(), b"")
        return hmac.compare_digest(str(body.get("sign", "")), expected)

    def rate_limited(self) -> Reply:
        return Reply.json({"code": 11232, "data": {}, "msg": "frequency limited"})


class DingTalkBot(FakeBot):
    """DingTalk custom robot (自定义机器人), 加签 verification on when ``secret`` is set,
    自定义关键词 security when ``keywords`` are set; ``state`` "disabled" (机器人已停用, 400102)
    or "dissolved" (群已被解散, 400013) answers every send with that code."""

    limits = ((20, 60.0),)
    ban_seconds = 600.0

    def __init__(self, *, keywords: tuple[str, ...] = (), state: str = "active", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keywords, self.state = keywords, state

    def webhook_path(self) -> str:
        return f"/robot/send?access_token={self.token}"

    def handle(self, request: Recorded) -> Reply:
        if request.path != "/robot/send" or request.query.get("access_token") != self.token:
            return Reply.json({"errcode": 300001, "errmsg": "token is not exist"})
        if self.state == "disabled":
            return Reply.json({"errcode": 400102, "errmsg": "robot is stopped"})
        if self.state == "dissolved":
            return Reply.json({"errcode": 400013, "errmsg": "group is dissolved"})
        if self.secret is not None:
            problem = self._signature_problem(request.query)
            if problem is not None:
                return Reply.json({"errcode": 310000, "errmsg": problem})
        body = request.json
        if not isinstance(body, dict):
            return fake_error("body is not a JSON object")
        msgtype = body.get("msgtype")
        if msgtype not in {"text", "link", "markdown", "actionCard", "feedCard"}:
            return fake_error(f"unknown msgtype {msgtype!r}")
        if msgtype == "markdown" and not {"title", "text"} <= set(body.get("markdown") or {}):
            return fake_error("markdown needs title and text")
        if self.keywords and not any(k in request.body.decode("utf-8") for k in self.keywords):
            return Reply.json({"errcode": 310000, "errmsg": "keywords not in content"})
        return self.accept(request, Reply.json({"errcode": 0, "errmsg": "ok"}))

    def _signature_problem(self, query: dict[str, str]) -> str | None:
        """DingTalk: sign = urlEncode(base64(HmacSHA256(key=secret, "timestamp\\nsecret"))), ms, ±1 h."""
        try:
            timestamp = int(query["timestamp"])
        except (KeyError, ValueError):
            return "invalid timestamp"
        if abs(self.clock() * 1000 - timestamp) > 3600 * 1000:
            return "invalid timestamp"
        assert self.secret is not None
        expected = _b64_hmac(self.secret.encode(), f"{timestamp}\n{self.secret}".encode())
        # parse_qs already percent-decoded the value, as DingTalk does: a client that forgot to
        # URL-encode sends "+" which decodes to " " and fails here, as it fails at DingTalk.
        if not hmac.compare_digest(query.get("sign", ""), expected):
            return "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"
        return None

    def rate_limited(self) -> Reply:
        return Reply.json({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})


class WeComBot(FakeBot):
    """WeCom group robot (群机器人); the ``key`` in the URL is its only credential."""

    limits = ((20, 60.0),)

    def webhook_path(self) -> str:
        return f"/cgi-bin/webhook/send?key={self.token}"

    @staticmethod
    def _error(code: int, text: str) -> Reply:
        hint = f", hint: [{int(time.time())}000000000000000], from ip: 127.0.0.1"
        return Reply.json({"errcode": code, "errmsg": f"{text}{hint}, more info at "
                           f"https://open.work.weixin.qq.com/devtool/query?e={code}"})

    def handle(self, request: Recorded) -> Reply:
        if request.path != "/cgi-bin/webhook/send" or request.query.get("key") != self.token:
            return self._error(93000, "invalid webhook url")
        body = request.json
        kinds = {"text", "markdown", "image", "news", "file"}
        if not isinstance(body, dict) or body.get("msgtype") not in kinds:
            return self._error(40008, "invalid message type")
        content = str((body.get(body["msgtype"]) or {}).get("content") or "")
        if body["msgtype"] in {"text", "markdown"} and not content:
            return self._error(44004, "empty content")
        limit = 2048 if body["msgtype"] == "text" else 4096
        if len(content.encode("utf-8")) > limit:
            return fake_error(f"{body['msgtype']} content over {limit} bytes")
        return self.accept(request, Reply.json({"errcode": 0, "errmsg": "ok"}))

    def rate_limited(self) -> Reply:
        return self._error(45009, "api freq out of limit")


class SlackBot(FakeBot):
    """Slack incoming webhook. ``disabled=True`` answers 404 no_service, as a removed hook does."""

    def __init__(self, *, disabled: bool = False, retry_after: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.disabled, self.retry_after = disabled, retry_after

    def webhook_path(self) -> str:
        return f"/services/T00000000/B00000000/{self.token}"

    def handle(self, request: Recorded) -> Reply:
        if self.disabled or not request.path.startswith("/services/"):
            return Reply.text("no_service", status=404)
        if request.path != self.webhook_path():
            return Reply.text("invalid_token", status=403)
        body = request.json
        if not isinstance(body, dict):
            return Reply.text("invalid_payload", status=400)
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return Reply.text("missing_text_or_fallback_or_attachments", status=400)
        return self.accept(request, Reply.text("ok"))

    def rate_limited(self) -> Reply:
        return Reply.text("rate_limited", status=429, **{"Retry-After": str(self.retry_after)})

    def server_error(self) -> Reply:
        return Reply.text("rollup_error", status=500)


class WebhookReceiver(FakeBot):
    """A receiver of luodi's generic webhook, verifying the Standard Webhooks headers as
    docs/channels.md says: with the real clock through ``standardwebhooks.Webhook.verify``
    (its 5-minute tolerance is against the wall clock), with a test clock by recomputing the
    signature with the package's ``sign`` and checking the timestamp against that clock."""

    def __init__(self, *, retry_after: int = 7, max_skew: float = 300.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after, self.max_skew = retry_after, max_skew

    def webhook_path(self) -> str:
        return f"/hooks/{self.token}"

    def _signer(self) -> StandardWebhook:
        assert self.secret is not None
        return StandardWebhook(self.secret if self.secret.startswith("whsec_") else self.secret.encode())

    def _verified(self, request: Recorded) -> bool:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if self.clock is time.time:
            try:
                self._signer().verify(request.body, headers)
            except WebhookVerificationError:
                return False
            return True
        signed = self._signer().sign(headers.get("webhook-id", ""),
                                     datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC),
                                     request.body.decode())
        return signed in headers.get("webhook-signature", "").split(" ")

    def handle(self, request: Recorded) -> Reply:
        if request.path != self.webhook_path():
            return Reply.json({"error": "not found"}, status=404)
        try:
            timestamp = float(request.headers["webhook-timestamp"])
        except (KeyError, ValueError):
            return Reply.json({"error": "missing timestamp"}, status=400)
        if abs(self.clock() - timestamp) > self.max_skew:
            return Reply.json({"error": "stale timestamp"}, status=401)
        if self.secret is not None and not self._verified(request):
            return Reply.json({"error": "invalid signature"}, status=401)
        if not isinstance(request.json, dict) or "id" not in request.json:
            return Reply.json({"error": "bad payload"}, status=400)
        return self.accept(request, Reply.json({"ok": True}))

    def rate_limited(self) -> Reply:
        return Reply.json({"error": "slow down"}, status=429, **{"Retry-After": str(self.retry_after)})

    def server_error(self) -> Reply:
        return Reply.json({"error": "unavailable"}, status=503)
