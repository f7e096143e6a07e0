"""Card-action callbacks of the IM apps: a button pressed in Feishu, DingTalk or WeCom acts in place.

The vendor's protocol lives here (signature, decryption, the URL check, the timestamp window);
the use case is ``services/send/cardpress.py``. A route answers 404 until its app's callback
settings are set (``Settings.callback_apps``), 401 for a forged or stale callback, and 200 with
nothing changed for a replay.

- ``POST /callbacks/feishu`` — the app's card request URL (卡片回传交互, ``card.action.trigger``,
  schema 2.0). ``url_verification`` answers the challenge. Without an Encrypt Key the header's
  Verification Token is checked; with one the body is ``{"encrypt": …}`` (AES-256-CBC, key
  sha256(Encrypt Key), IV the first 16 bytes) and ``X-Lark-Signature`` must equal
  sha256(timestamp + nonce + Encrypt Key + body). The response carries the updated card.
- ``POST /callbacks/dingtalk`` — the route registered for the app's interactive cards
  (``callbackType: HTTP``): ``x-ddpaas-signature`` must equal Base64(HmacSHA256(apiSecret,
  ``x-ddpaas-signature-timestamp``)), milliseconds within the window; the body's ``outTrackId``
  names the card (and the outbox row that sent it), ``userId`` the presser, ``content`` the
  button's parameters. The response carries the card's new data.
- ``GET /callbacks/wecom`` — the callback URL check (``echostr`` decrypted and echoed);
  ``POST /callbacks/wecom`` — a ``template_card_event``: ``msg_signature`` = sha1 of the sorted
  Token, timestamp, nonce and ciphertext; AES-256-CBC with key base64(EncodingAESKey + "="),
  IV the key's first 16 bytes, plaintext random(16) + length + message + CorpID.

Over 300 lines: three vendors' callback protocols side by side, sharing the window, the
refusals and the one call of the use case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
from typing import Any
from xml.etree import ElementTree

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from luodi.clock import Clock
from luodi.config import Settings
from luodi.render.cards import CALLBACK_TAG
from luodi.services.errors import Forbidden, Gone, InvalidInput
from luodi.services.send import cardpress

router = APIRouter(include_in_schema=False)

WINDOW_SECONDS = 300  # a callback older (or newer) than this is refused: replays need fresh signatures
MAX_BODY = 64 * 1024


class Refused(Exception):
    """Forged, stale or malformed: answered 401, nothing read further."""


# --- Feishu -----------------------------------------------------------------------------------
def feishu_decrypt(encrypted: str, encrypt_key: str) -> Any:
    key = hashlib.sha256(encrypt_key.encode()).digest()
    try:
        raw = base64.b64decode(encrypted, validate=True)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
        padded = decryptor.update(raw[16:]) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return json.loads(unpadder.update(padded) + unpadder.finalize())
    except ValueError as exc:
        raise Refused("cannot decrypt") from exc


def _fresh(stamp: str | None, now: float, *, scale: float = 1.0) -> None:
    try:
        sent = float(stamp or "") / scale
    except ValueError as exc:
        raise Refused("no timestamp") from exc
    if abs(now - sent) > WINDOW_SECONDS:
        raise Refused("stale timestamp")


def feishu_document(raw: bytes, headers: Any, settings: Settings, now: float) -> tuple[dict[str, Any], bool]:
    """The callback's JSON after the checks that need no database; and whether it was signed."""
    try:
        outer = json.loads(raw)
    except ValueError as exc:
        raise Refused("not JSON") from exc
    if not isinstance(outer, dict):
        raise Refused("not an object")
    key = settings.feishu_encrypt_key.get_secret_value() if settings.feishu_encrypt_key else None
    signed = False
    if key is None:
        if "encrypt" in outer:
            raise Refused("encrypted, but no Encrypt Key is set")
        document = outer
    else:
        if not isinstance(outer.get("encrypt"), str):
            raise Refused("an Encrypt Key is set: the body must be encrypted")
        signature = headers.get("x-lark-signature")
        if signature is not None:
            stamp, nonce = headers.get("x-lark-request-timestamp", ""), headers.get("x-lark-request-nonce", "")
            expected = hashlib.sha256(stamp.encode() + nonce.encode() + key.encode() + raw).hexdigest()
            if not hmac.compare_digest(expected, signature):
                raise Refused("bad signature")
            _fresh(stamp, now)
            signed = True
        document = feishu_decrypt(outer["encrypt"], key)
        if not isinstance(document, dict):
            raise Refused("not an object")
    token = settings.feishu_verification_token
    sent_token = document.get("token") if "challenge" in document else (document.get("header") or {}).get("token")
    if token is not None and not hmac.compare_digest(str(sent_token or ""), token.get_secret_value()):
        raise Refused("bad verification token")
    return document, signed


@router.post("/callbacks/feishu", response_model=None)
async def feishu(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock
    if "feishu_app" not in settings.callback_apps:
        return PlainTextResponse("not set up", status_code=404)
    raw = await request.body()
    now = clock.now()
    try:
        if len(raw) > MAX_BODY:
            raise Refused("too large")
        document, signed = feishu_document(raw, request.headers, settings, now.timestamp())
        if document.get("type") == "url_verification":
            return JSONResponse({"challenge": str(document.get("challenge", ""))})
        header, event = document.get("header") or {}, document.get("event") or {}
        if header.get("event_type") != "card.action.trigger":
            return JSONResponse({})
        if settings.feishu_encrypt_key and not signed:
            raise Refused("unsigned")
        _fresh(str(header.get("create_time") or ""), now.timestamp(), scale=1000.0)
        value = (event.get("action") or {}).get("value") or {}
        pressed = cardpress.CardPress(
            app="feishu_app", event_id=str(header.get("event_id") or ""),
            user_id=str((event.get("operator") or {}).get("open_id") or ""),
            action=str(value.get(CALLBACK_TAG) or ""), token=str(value.get("t") or ""))
        if not pressed.event_id:
            raise Refused("no event id")
    except Refused as exc:
        return PlainTextResponse(f"refused: {exc}", status_code=401)
    outcome = await _press(request, pressed)
    if isinstance(outcome, Response):
        return outcome
    if outcome.replay:
        return JSONResponse({})
    view = f"{settings.base_url.rstrip('/')}/meetings/{outcome.meeting.id}" if outcome.meeting else None
    return JSONResponse({"toast": {"type": "success", "content": outcome.summary},
                         "card": {"type": "raw", "data": cardpress.answered_card(outcome, view_url=view)}})


async def _press(request: Request, pressed: cardpress.CardPress) -> cardpress.CardOutcome | Response:
    """Run the use case in the thread pool (it blocks on the database) and commit once."""
    from starlette.concurrency import run_in_threadpool

    settings: Settings = request.app.state.settings
    clock: Clock = request.app.state.clock

    def work() -> cardpress.CardOutcome | Response:
        with request.app.state.sessionmaker() as session:
            try:
                outcome = cardpress.press(session, pressed, secret=settings.signing_keys,
                                          max_age_seconds=settings.token_max_age_days * 86400, tz=settings.tz,
                                          now=clock.now())
            except (Forbidden, InvalidInput, Gone) as exc:
                session.rollback()
                return JSONResponse({"toast": {"type": "error", "content": exc.message}}, status_code=403)
            session.commit()
            return outcome

    return await run_in_threadpool(work)


# --- DingTalk ---------------------------------------------------------------------------------
def dingtalk_signature(api_secret: str, timestamp: str) -> str:
    """DingTalk's card callback signature: Base64(HmacSHA256(key=apiSecret, message=timestamp))."""
    return base64.b64encode(hmac.new(api_secret.encode(), timestamp.encode(), hashlib.sha256).digest()).decode()


def dingtalk_document(raw: bytes, headers: Any, api_secret: str, now: float) -> tuple[dict[str, Any], str]:
    """The checked callback and its signature timestamp. The signature covers the timestamp
    only, not the body: the short window and the receipt of each callback keep replays out."""
    stamp = headers.get("x-ddpaas-signature-timestamp", "")
    sent = headers.get("x-ddpaas-signature", "")
    if not hmac.compare_digest(dingtalk_signature(api_secret, stamp).encode(), sent.encode()):
        raise Refused("bad signature")
    _fresh(stamp, now, scale=1000.0)  # milliseconds
    try:
        document = json.loads(raw)
        content = json.loads(document.get("content") or "{}") if isinstance(document, dict) else None
    except (ValueError, TypeError) as exc:
        raise Refused("not JSON") from exc
    if not isinstance(content, dict):
        raise Refused("not an object")
    return document | {"content": content}, stamp


@router.post("/callbacks/dingtalk", response_model=None)
async def dingtalk(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if "dingtalk_app" not in settings.callback_apps or settings.dingtalk_card_callback_secret is None:
        return PlainTextResponse("not set up", status_code=404)
    raw = await request.body()
    try:
        if len(raw) > MAX_BODY:
            raise Refused("too large")
        document, stamp = dingtalk_document(raw, request.headers,
                                            settings.dingtalk_card_callback_secret.get_secret_value(),
                                            request.app.state.clock.now().timestamp())
    except Refused as exc:
        return PlainTextResponse(f"refused: {exc}", status_code=401)
    if document.get("type") != "actionCallback":
        return JSONResponse({})
    params = (document["content"].get("cardPrivateData") or {}).get("params") or {}
    card, user = str(document.get("outTrackId") or ""), str(document.get("userId") or "")
    pressed = cardpress.CardPress(app="dingtalk_app", event_id=f"{card}|{user}|{stamp}", user_id=user,
                                  action=str(params.get(CALLBACK_TAG) or ""), token="", card_id=card)
    outcome = await _press(request, pressed)
    if isinstance(outcome, Response):
        return outcome
    if outcome.replay:
        return JSONResponse({})
    return JSONResponse({"cardUpdateOptions": {"updateCardDataByKey": True},
                         "cardData": {"cardParamMap": cardpress.answered_params(outcome)}})


# --- WeCom ------------------------------------------------------------------------------------
def wecom_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def wecom_decrypt(encrypted: str, encoding_aes_key: str, receive_id: str) -> str:
    try:
        key = base64.b64decode(encoding_aes_key + "=")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = decryptor.update(base64.b64decode(encrypted, validate=True)) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= 32:
            raise ValueError("bad padding")
        plain = plain[:-pad]
        length = struct.unpack(">I", plain[16:20])[0]
        message, receiver = plain[20:20 + length], plain[20 + length:]
    except (ValueError, IndexError, struct.error) as exc:
        raise Refused("cannot decrypt") from exc
    if receiver.decode(errors="replace") != receive_id:
        raise Refused("for another company")
    return message.decode()


def _wecom_checked(request: Request, encrypted: str, settings: Settings, now: float) -> str:
    assert settings.wecom_token and settings.wecom_encoding_aes_key and settings.wecom_corp_id
    query = request.query_params
    stamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    expected = wecom_signature(settings.wecom_token.get_secret_value(), stamp, nonce, encrypted)
    if not hmac.compare_digest(expected, query.get("msg_signature", "")):
        raise Refused("bad signature")
    _fresh(stamp, now)
    return wecom_decrypt(encrypted, settings.wecom_encoding_aes_key.get_secret_value(), settings.wecom_corp_id)


def _xml(text: str | bytes) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise Refused("not XML") from exc
    return {child.tag: (child.text or "") for child in root}


@router.get("/callbacks/wecom", response_model=None)
def wecom_check(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if "wecom_app" not in settings.callback_apps:
        return PlainTextResponse("not set up", status_code=404)
    try:
        echo = _wecom_checked(request, request.query_params.get("echostr", ""), settings,
                              request.app.state.clock.now().timestamp())
    except Refused as exc:
        return PlainTextResponse(f"refused: {exc}", status_code=401)
    return PlainTextResponse(echo)


@router.post("/callbacks/wecom", response_model=None)
async def wecom(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if "wecom_app" not in settings.callback_apps:
        return PlainTextResponse("not set up", status_code=404)
    raw = await request.body()
    try:
        if len(raw) > MAX_BODY:
            raise Refused("too large")
        encrypted = _xml(raw).get("Encrypt", "")
        event = _xml(_wecom_checked(request, encrypted, settings, request.app.state.clock.now().timestamp()))
    except Refused as exc:
        return PlainTextResponse(f"refused: {exc}", status_code=401)
    if event.get("Event") != "template_card_event":
        return PlainTextResponse("")
    action, _, token = event.get("EventKey", "").partition(":")
    code = event.get("ResponseCode", "")
    pressed = cardpress.CardPress(app="wecom_app", event_id=code or f"{event.get('FromUserName')}:"
                                  f"{event.get('CreateTime')}", user_id=event.get("FromUserName", ""),
                                  action=action, token=token, response_code=code or None)
    outcome = await _press(request, pressed)
    if isinstance(outcome, Response):
        return outcome
    return PlainTextResponse("")  # WeCom: an empty 200 is "received, no passive reply"
