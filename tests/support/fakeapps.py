"""Local stand-ins for the IM vendors' *app* platforms (siblings of fakebots.py's group robots).

Each fake is a real HTTP server on 127.0.0.1 that behaves as its vendor documents: a token
endpoint that checks the app's credentials and hands out tokens with a lifetime, a send endpoint
that checks the token (refusing an expired or revoked one with the vendor's code), the
message's shape and the recipient, a per-app rate limit answered with the vendor's code, and —
for the callbacks — a client that signs (and encrypts) a card-action callback exactly as the
vendor does, written here from the vendors' documentation independently of luodi's code.

    with FeishuPlatform(app_id="cli_1", app_secret="s3cret", users={"ou_wang"}) as feishu:
        feishu.sent                                # the accepted messages (parsed JSON)
        feishu.expire_tokens()                     # every token handed out so far is now expired
        headers, body = feishu.card_callback(open_id="ou_wang", value={...}, encrypt_key="k")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


class FakePlatform:
    """Server lifecycle, request log, tokens with lifetimes, a sliding-window rate limit."""

    token_lifetime = 7200
    limit: tuple[int, float] | None = None  # (max sends, seconds) per app

    def __init__(self, *, users: set[str], clock: Callable[[], float] = time.time) -> None:
        self.users, self.clock = users, clock
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.sent: list[dict[str, Any]] = []
        self.token_fetches = 0
        self._tokens: dict[str, float] = {}  # token -> expires at
        self._send_times: list[float] = []
        self._server: ThreadingHTTPServer | None = None

    # --- tokens ----------------------------------------------------------------------------
    def issue_token(self, prefix: str) -> str:
        token = prefix + secrets.token_hex(8)
        with self.lock:
            self.token_fetches += 1
            self._tokens[token] = self.clock() + self.token_lifetime
        return token

    def token_state(self, token: str | None) -> str:
        """"ok", "missing", "invalid" or "expired"."""
        if not token:
            return "missing"
        with self.lock:
            expires = self._tokens.get(token)
        if expires is None:
            return "invalid"
        return "ok" if expires > self.clock() else "expired"

    def expire_tokens(self) -> None:
        """Every token handed out so far expires now (as after two hours, or a secret reset)."""
        with self.lock:
            self._tokens = dict.fromkeys(self._tokens, 0.0)

    def over_limit(self) -> bool:
        if self.limit is None:
            return False
        most, seconds = self.limit
        now = self.clock()
        with self.lock:
            recent = [t for t in self._send_times if t > now - seconds]
            if len(recent) >= most:
                return True
            self._send_times.append(now)
        return False

    def record(self, document: dict[str, Any]) -> None:
        with self.lock:
            self.sent.append(document)

    # --- HTTP ------------------------------------------------------------------------------
    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def start(self) -> Self:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(self.command, parts.path,
                                  {k: v[-1] for k, v in parse_qs(parts.query).items()},
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with platform.lock:
                    platform.requests.append(request)
                status, document = platform.handle(request)
                raw = json.dumps(document, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"


# --- Feishu ---------------------------------------------------------------------------------
class FeishuPlatform(FakePlatform):
    """open.feishu.cn: tenant_access_token/internal, im/v1/messages, signed card callbacks."""

    limit = (50, 1.0)  # the send API's documented 50/s per app

    def __init__(self, *, app_id: str, app_secret: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app_id, self.app_secret = app_id, app_secret

    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = request.json if isinstance(request.json, dict) else {}
        if request.path == "/open-apis/auth/v3/tenant_access_token/internal" and request.method == "POST":
            if body.get("app_id") != self.app_id:
                return 400, {"code": 10003, "msg": "invalid param"}
            if body.get("app_secret") != self.app_secret:
                return 400, {"code": 10014, "msg": "app secret invalid"}
            return 200, {"code": 0, "msg": "ok", "tenant_access_token": self.issue_token("t-"),
                         "expire": self.token_lifetime}
        if request.path == "/open-apis/im/v1/messages" and request.method == "POST":
            auth = request.headers.get("authorization", "")
            state = self.token_state(auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None)
            if state == "missing":
                return 400, {"code": 99991661, "msg": "Missing access token for authorization"}
            if state != "ok":
                return 400, {"code": 99991663, "msg": "Invalid access token for authorization"}
            if request.query.get("receive_id_type") not in {"open_id", "user_id", "union_id", "email", "chat_id"}:
                return 400, {"code": 230001, "msg": "invalid receive_id_type"}
            if body.get("msg_type") != "interactive" or not isinstance(body.get("content"), str):
                return 400, {"code": 230001, "msg": "param invalid"}
            card = json.loads(body["content"])  # content is a JSON *string*
            if body.get("receive_id") not in self.users:
                return 400, {"code": 230013, "msg": "Bot has NO availability to this user."}
            if len(request.body) > 30 * 1024:
                return 400, {"code": 230025, "msg": "The length of the message content reaches its limit"}
            if self.over_limit():
                return 429, {"code": 99991400, "msg": "request trigger frequency limit"}
            self.record({"receive_id": body["receive_id"], "card": card, "uuid": body.get("uuid"),
                         "raw_size": len(request.body)})
            return 200, {"code": 0, "msg": "success", "data": {"message_id": f"om_{len(self.sent)}"}}
        return 404, {"code": 404, "msg": "not found"}

    def card_callback(self, *, open_id: str, value: dict[str, Any], verification_token: str,
                      encrypt_key: str | None = None, event_id: str | None = None,
                      timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
        """A card.action.trigger callback (schema 2.0) as Feishu POSTs it: headers and raw body.

        With an Encrypt Key the body is ``{"encrypt": base64(iv + AES-256-CBC(sha256(key)))}``
        and signed: ``X-Lark-Signature = sha256(timestamp + nonce + encrypt_key + body)`` hex.
        """
        event = {
            "schema": "2.0",
            "header": {"event_id": event_id or secrets.token_hex(16), "token": verification_token,
                       "create_time": str(int(self.clock() * 1000)), "event_type": "card.action.trigger",
                       "tenant_key": "tenant", "app_id": self.app_id},
            "event": {"operator": {"tenant_key": "tenant", "open_id": open_id, "user_id": "u" + open_id},
                      "token": "c-" + secrets.token_hex(8), "action": {"value": value, "tag": "button"},
                      "host": "im_message", "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}},
        }
        return self.sign(event, encrypt_key=encrypt_key, timestamp=timestamp)

    def url_verification(self, *, verification_token: str, encrypt_key: str | None = None
                         ) -> tuple[dict[str, str], bytes]:
        challenge = {"challenge": "ch-" + secrets.token_hex(4), "token": verification_token,
                     "type": "url_verification"}
        return self.sign(challenge, encrypt_key=encrypt_key, signed=False)

    def sign(self, document: dict[str, Any], *, encrypt_key: str | None, timestamp: int | None = None,
             signed: bool = True) -> tuple[dict[str, str], bytes]:
        plain = json.dumps(document, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if encrypt_key is None:
            return headers, plain
        key = hashlib.sha256(encrypt_key.encode()).digest()
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        data = padder.update(plain) + padder.finalize()
        cipher = encryptor.update(data) + encryptor.finalize()
        body = json.dumps({"encrypt": base64.b64encode(iv + cipher).decode()}).encode()
        if signed:
            stamp, nonce = str(timestamp if timestamp is not None else int(self.clock())), secrets.token_hex(6)
            signature = hashlib.sha256(stamp.encode() + nonce.encode() + encrypt_key.encode() + body).hexdigest()
            headers |= {"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": nonce,
                        "X-Lark-Signature": signature}
        return headers, body


# --- DingTalk -------------------------------------------------------------------------------
class DingTalkPlatform(FakePlatform):
    """oapi.dingtalk.com: gettoken and 工作通知 asyncsend_v2; api.dingtalk.com (the same server):
    oauth2/accessToken, the card platform's createAndDeliver and card update, and a client that
    signs a card's HTTP callback as DingTalk does (event-callback-card: ``x-ddpaas-signature`` =
    Base64(HmacSHA256(apiSecret, the millisecond timestamp)), the timestamp only, not the body)."""

    limit = (20, 1.0)

    def __init__(self, *, app_key: str, app_secret: str, agent_id: int, card_template_id: str | None = None,
                 route_key: str = "luodi", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app_key, self.app_secret, self.agent_id = app_key, app_secret, agent_id
        self.card_template_id, self.route_key = card_template_id, route_key  # a published template, a route
        self.cards: dict[str, dict[str, Any]] = {}  # outTrackId -> the card as delivered (params kept current)
        self.card_updates: list[dict[str, Any]] = []  # accepted PUT /v1.0/card/instances bodies
        self.routes: dict[str, dict[str, str]] = {}  # callbackRouteKey -> callbackUrl, apiSecret

    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.path.startswith("/v1.0/"):
            return self.handle_v1(request)
        if request.path == "/gettoken" and request.method == "GET":
            if request.query.get("appkey") != self.app_key:
                return 200, {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
            if request.query.get("appsecret") != self.app_secret:
                return 200, {"errcode": 40001, "errmsg": "不合法的appsecret"}
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": self.issue_token(""),
                         "expires_in": self.token_lifetime}
        if request.path == "/topapi/message/corpconversation/asyncsend_v2" and request.method == "POST":
            state = self.token_state(request.query.get("access_token"))
            if state == "expired":
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            if state != "ok":
                return 200, {"errcode": 40014, "errmsg": "不合法的access_token"}
            body = request.json if isinstance(request.json, dict) else {}
            if body.get("agent_id") != self.agent_id:
                return 200, {"errcode": 40035, "errmsg": "不合法的参数: agent_id"}
            msg = body.get("msg") or {}
            if msg.get("msgtype") != "action_card" or "markdown" not in (msg.get("action_card") or {}):
                return 200, {"errcode": 40035, "errmsg": "不合法的参数: msg"}
            if body.get("userid_list") not in self.users:
                return 200, {"errcode": 33012, "errmsg": "无效的USERID"}
            if self.over_limit():
                return 200, {"errcode": 143103, "errmsg": "企业单应用消息发送人次QPM超限"}
            self.record(body)
            return 200, {"errcode": 0, "errmsg": "ok", "task_id": len(self.sent), "request_id": "r1"}
        return 404, {"errcode": 404, "errmsg": "请求的URI地址不存在"}


    def handle_v1(self, request: Request) -> tuple[int, dict[str, Any]]:
        """The new server API: errors are an HTTP status with ``{"code", "message", "requestid"}``."""
        body = request.json if isinstance(request.json, dict) else {}
        if request.path == "/v1.0/oauth2/accessToken" and request.method == "POST":
            if body.get("appKey") != self.app_key or body.get("appSecret") != self.app_secret:
                return 400, {"errcode": -1, "errmsg": "luodi fake: wrong appKey or appSecret"}
            return 200, {"accessToken": self.issue_token("v1-"), "expireIn": self.token_lifetime}
        if self.token_state(request.headers.get("x-acs-dingtalk-access-token")) != "ok":
            return 400, {"code": "InvalidAuthentication", "requestid": "r-1", "message": "不合法的access_token"}
        if request.path == "/v1.0/card/callbacks/register" and request.method == "POST":
            key, url = str(body.get("callbackRouteKey") or ""), str(body.get("callbackUrl") or "")
            if not key or not url:
                return 400, {"errcode": -1, "errmsg": "luodi fake: callbackRouteKey and callbackUrl are required"}
            with self.lock:  # an existing route is kept unless forceUpdate (the documented second confirmation)
                if key not in self.routes or body.get("forceUpdate") is True:
                    self.routes[key] = {"callbackUrl": url, "apiSecret": str(body.get("apiSecret") or "")}
                return 200, {"success": True, "result": dict(self.routes[key])}
        if request.path == "/v1.0/card/instances/createAndDeliver" and request.method == "POST":
            return self.create_and_deliver(body)
        if request.path == "/v1.0/card/instances" and request.method == "PUT":
            card = self.cards.get(str(body.get("outTrackId")))
            params = (body.get("cardData") or {}).get("cardParamMap") or {}
            if card is None:
                return 400, {"code": "param.outTrackIdInvalid", "requestid": "r-1", "message": "卡片实例不存在"}
            if not all(isinstance(v, str) for v in params.values()):
                return 400, {"errcode": -1, "errmsg": "luodi fake: cardParamMap values must be strings"}
            with self.lock:
                self.card_updates.append(body)
                if (body.get("cardUpdateOptions") or {}).get("updateCardDataByKey"):
                    card["cardData"]["cardParamMap"] |= params
                else:
                    card["cardData"]["cardParamMap"] = dict(params)
            return 200, {"success": True, "result": True}
        return 404, {"code": "InvalidAction.NotFound", "requestid": "r-1", "message": "Specified api is not found"}

    def create_and_deliver(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("cardTemplateId") != self.card_template_id:
            return 400, {"code": "param.cardTemplateIdEmpty", "requestid": "r-1", "message": "卡片模版 Id 为空"}
        track = body.get("outTrackId")
        if not track:
            return 400, {"code": "param.outTrackIdEmpty", "requestid": "r-1", "message": "业务标识 outTrackId 为空"}
        params = (body.get("cardData") or {}).get("cardParamMap")
        if not params or not all(isinstance(v, str) for v in params.values()):
            return 400, {"code": "param.cardPublicDataEmpty", "requestid": "r-1", "message": "卡片公共数据为空"}
        space = str(body.get("openSpaceId") or "")
        user = space.removeprefix("dtv1.card//IM_ROBOT.")
        model = body.get("imRobotOpenDeliverModel") or {}
        if not space.startswith("dtv1.card//IM_ROBOT.") or model.get("spaceType") != "IM_ROBOT" \
                or model.get("robotCode") != self.app_key:
            return 400, {"code": "param.openSpaceModelInvalid", "requestid": "r-1", "message": "场域模型不合法"}
        if body.get("callbackType") != "HTTP" or body.get("callbackRouteKey") != self.route_key:
            return 400, {"errcode": -1, "errmsg": "luodi fake: an unregistered callback route"}
        if user not in self.users:
            return 400, {"code": "param.userIdNotExist", "requestid": "r-1", "message": "用户 userId 不存在"}
        with self.lock:
            self.cards[track] = json.loads(json.dumps(body))
        self.record(body)
        return 200, {"success": True, "result": {"outTrackId": track, "deliverResults": [
            {"spaceType": "IM_ROBOT", "spaceId": user, "success": True, "carrierId": f"c{len(self.sent)}"}]}}

    def card_callback(self, *, user_id: str, out_track_id: str, params: dict[str, Any], api_secret: str,
                      timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
        """A button's 回传请求 as DingTalk POSTs it to the registered URL: headers and raw body."""
        content = {"cardPrivateData": {"actionIds": ["confirm"], "params": params}}
        body = json.dumps({"type": "actionCallback", "outTrackId": out_track_id, "corpId": "ding_corp",
                           "userId": user_id, "content": json.dumps(content, ensure_ascii=False)},
                          ensure_ascii=False).encode()
        stamp = str(timestamp if timestamp is not None else int(self.clock() * 1000))
        signature = base64.b64encode(hmac.new(api_secret.encode(), stamp.encode(), hashlib.sha256).digest()).decode()
        return {"Content-Type": "application/json", "x-ddpaas-signature-timestamp": stamp,
                "x-ddpaas-signature": signature}, body


# --- WeCom ----------------------------------------------------------------------------------
class WeComPlatform(FakePlatform):
    """qyapi.weixin.qq.com: gettoken, message/send, and encrypted, signed callbacks."""

    limit = (30, 1.0)

    def __init__(self, *, corp_id: str, corp_secret: str, agent_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.corp_id, self.corp_secret, self.agent_id = corp_id, corp_secret, agent_id
        self.response_codes: set[str] = set()  # handed out with callbacks, each good for one update
        self.updates: list[dict[str, Any]] = []  # accepted update_template_card calls

    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.path == "/cgi-bin/gettoken" and request.method == "GET":
            if request.query.get("corpid") != self.corp_id:
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            if request.query.get("corpsecret") != self.corp_secret:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": self.issue_token(""),
                         "expires_in": self.token_lifetime}
        if request.path == "/cgi-bin/message/send" and request.method == "POST":
            state = self.token_state(request.query.get("access_token"))
            if state == "expired":
                return 200, {"errcode": 42001, "errmsg": "access_token expired, hint: [x]"}
            if state != "ok":
                return 200, {"errcode": 40014, "errmsg": "invalid access_token, hint: [x]"}
            body = request.json if isinstance(request.json, dict) else {}
            if body.get("agentid") != self.agent_id:
                return 200, {"errcode": 40056, "errmsg": "invalid agentid"}
            card = body.get("template_card") or {}
            if body.get("msgtype") != "template_card" or card.get("card_type") not in {
                    "text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}:
                return 200, {"errcode": 40008, "errmsg": "invalid message type"}
            if body.get("touser") not in self.users:
                return 200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
            if self.over_limit():
                return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
            self.record(body)
            answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"m{len(self.sent)}"}
            if card.get("card_type") == "button_interaction":
                answer["response_code"] = secrets.token_hex(8)
            return 200, answer
        if request.path == "/cgi-bin/message/update_template_card" and request.method == "POST":
            if self.token_state(request.query.get("access_token")) != "ok":
                return 200, {"errcode": 40014, "errmsg": "invalid access_token, hint: [x]"}
            body = request.json if isinstance(request.json, dict) else {}
            if body.get("agentid") != self.agent_id:
                return 200, {"errcode": 40056, "errmsg": "invalid agentid"}
            code = body.get("response_code")
            with self.lock:
                fresh = code in self.response_codes
                self.response_codes.discard(code)
            if not fresh:  # a response_code is good for one update (and 72 hours)
                return 200, {"errcode": 40058, "errmsg": "invalid response_code, hint: [x]"}
            self.updates.append(body)
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": []}
        return 404, {"errcode": 404, "errmsg": "not found"}

    def card_callback(self, *, userid: str, event_key: str, task_id: str, token: str, encoding_aes_key: str,
                      timestamp: int | None = None, nonce: str | None = None) -> tuple[dict[str, str], bytes]:
        """A template_card_event as WeCom POSTs it: query (msg_signature, timestamp, nonce), XML body."""
        created = str(int(self.clock()))
        code = "rc-" + secrets.token_hex(4)
        with self.lock:
            self.response_codes.add(code)
        xml = (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
               f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{created}</CreateTime>"
               "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
               f"<EventKey><![CDATA[{event_key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
               "<CardType><![CDATA[button_interaction]]></CardType>"
               f"<ResponseCode><![CDATA[{code}]]></ResponseCode>"
               f"<AgentID>{self.agent_id}</AgentID></xml>")
        encrypted = wecom_encrypt(xml, encoding_aes_key, self.corp_id)
        stamp, nonce = str(timestamp if timestamp is not None else int(self.clock())), nonce or secrets.token_hex(5)
        query = {"msg_signature": wecom_signature(token, stamp, nonce, encrypted), "timestamp": stamp,
                 "nonce": nonce}
        body = (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[{self.agent_id}]]></AgentID></xml>")
        return query, body.encode()


def wecom_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """WeCom's msg_signature: sha1 of the four values sorted and concatenated."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def wecom_encrypt(text: str, encoding_aes_key: str, receive_id: str) -> str:
    """random(16) + msg_len (4 bytes, network order) + msg + receiveid, PKCS#7 to 32 bytes, AES-256-CBC
    with key = base64(EncodingAESKey + "="), iv = key[:16]; base64."""
    key = base64.b64decode(encoding_aes_key + "=")
    raw = text.encode()
    plain = os.urandom(16) + struct.pack(">I", len(raw)) + raw + receive_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def wecom_decrypt(encrypted: str, encoding_aes_key: str) -> str:
    """The reverse of wecom_encrypt (to read luodi's encrypted passive replies)."""
    key = base64.b64decode(encoding_aes_key + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    length = struct.unpack(">I", plain[16:20])[0]
    return plain[20:20 + length].decode()
