"""DingTalk interactive cards (互动卡片) sent by the internal app, whose 确认收到 acts in place.

DingTalk's 工作通知 ActionCard buttons are links only; a button that calls back needs a card of
the card platform (卡片平台): a published template, sent to one person in their single chat
with the app's robot and bound to the callback route registered for luodi's
``/callbacks/dingtalk`` (docs/channels.md). The new server API (``api.dingtalk.com``):

- token: ``POST /v1.0/oauth2/accessToken`` ``{"appKey", "appSecret"}`` → ``{"accessToken",
  "expireIn"}`` (7200 s), sent as the ``x-acs-dingtalk-access-token`` header;
- send: ``POST /v1.0/card/instances/createAndDeliver`` with ``cardTemplateId``, ``outTrackId``,
  ``callbackType: "HTTP"``, ``callbackRouteKey``, ``cardData.cardParamMap`` (strings only),
  ``openSpaceId: "dtv1.card//IM_ROBOT.<userid>"``, ``imRobotOpenSpaceModel`` and
  ``imRobotOpenDeliverModel`` (``spaceType: "IM_ROBOT"``, ``robotCode`` = the AppKey);
- update: ``PUT /v1.0/card/instances`` with ``outTrackId``, ``cardData`` and
  ``cardUpdateOptions.updateCardDataByKey`` (the card then says who confirmed);
- the callback route, once (``luodi channel dingtalk-callback``): ``POST
  /v1.0/card/callbacks/register`` with ``callbackRouteKey``, ``callbackUrl``, ``apiSecret`` and
  ``forceUpdate`` (without it DingTalk keeps an existing registration and answers it).

Errors come as an HTTP status with ``{"code", "message", "requestid"}``; ``InvalidAuthentication``
(不合法的access_token) means the token was refused: fetched again once.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from luodi.notify.appbase import TokenRefused
from luodi.notify.base import JSON_HEADERS, Clock, Message, TransportError, json_body, json_bytes, raise_for_status
from luodi.render.cards import dingtalk_card_params, dingtalk_out_track_id

TOKEN_REFUSED = frozenset({"InvalidAuthentication"})
MARKDOWN_LIMIT = 1000  # characters: a cardParamMap value holds at most 1 KB, the card links to the rest


def interactive(message: Message) -> bool:
    """An owner's copy whose 确认收到 carries a token: it needs the callback card."""
    return any(button.value for button in message.buttons)


class CardApi:
    """One app's calls to DingTalk's card API."""

    kind = "dingtalk_app"

    def __init__(self, http: httpx.Client, *, base_url: str, app_key: str, app_secret: SecretStr,
                 template_id: str, route_key: str, clock: Clock) -> None:
        self.http, self.base_url, self.clock = http, base_url.rstrip("/"), clock
        self.app_key, self.app_secret = app_key, app_secret
        self.template_id, self.route_key = template_id, route_key

    def token_key(self) -> tuple[str, ...]:
        return ("dingtalk-card", self.base_url, self.app_key)

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        if not response.is_success:
            try:
                code = response.json().get("code")
            except (ValueError, AttributeError):
                code = None
            if code in TOKEN_REFUSED:
                raise TokenRefused(str(code))
            raise_for_status(response, kind=self.kind, now=self.clock())
        return dict(json_body(response, kind=self.kind))

    def _call(self, method: str, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        headers = JSON_HEADERS | ({"x-acs-dingtalk-access-token": token} if token else {})
        try:
            response = self.http.request(method, self.base_url + path, content=json_bytes(body), headers=headers)
        except httpx.HTTPError as exc:
            raise TransportError(f"{self.kind}: {type(exc).__name__} calling the card API") from exc
        return self._check(response)

    def fetch_token(self) -> tuple[str, float]:
        body = {"appKey": self.app_key, "appSecret": self.app_secret.get_secret_value()}
        try:
            data = self._call("POST", "/v1.0/oauth2/accessToken", body)
        except TransportError as exc:
            raise TransportError(f"{self.kind}: credentials refused fetching a card token ({exc.message})",
                                 permanent=exc.permanent) from exc
        token = data.get("accessToken")
        if not isinstance(token, str) or not token:
            raise TransportError(f"{self.kind}: no accessToken in the answer")
        return token, float(data.get("expireIn") or 7200)

    def deliver(self, token: str, message: Message) -> None:
        assert message.recipient
        params = dingtalk_card_params(message.subject[:64], message.im_body[:MARKDOWN_LIMIT], list(message.buttons))
        body = {"cardTemplateId": self.template_id, "outTrackId": dingtalk_out_track_id(message.message_id),
                "callbackType": "HTTP", "callbackRouteKey": self.route_key, "userId": message.recipient,
                "userIdType": 1, "cardData": {"cardParamMap": params},
                "openSpaceId": f"dtv1.card//IM_ROBOT.{message.recipient}",
                "imRobotOpenSpaceModel": {"supportForward": False,
                                          "lastMessageI18n": {"ZH_CN": message.subject[:64]}},
                "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": self.app_key}}
        data = self._call("POST", "/v1.0/card/instances/createAndDeliver", body, token)
        failed = [r for r in (data.get("result") or {}).get("deliverResults") or [] if not r.get("success")]
        if data.get("success") is False or failed:
            reason = str((failed[0] if failed else data).get("errorMsg") or data.get("message") or "")
            raise TransportError(f"{self.kind}: card not delivered {reason[:200]}".rstrip())

    def update(self, token: str, message: Message) -> None:
        """The pressed card now shows who confirmed (``card_update``: ``out_track_id`` and the new params)."""
        assert message.card_update is not None
        update = dict(message.card_update)
        body = {"outTrackId": update.pop("out_track_id"), "userIdType": 1, "cardData": {"cardParamMap": update},
                "cardUpdateOptions": {"updateCardDataByKey": True}}
        data = self._call("PUT", "/v1.0/card/instances", body, token)
        if data.get("success") is False:
            raise TransportError(f"{self.kind}: card not updated")

    def register_route(self, token: str, *, callback_url: str, api_secret: str, force: bool) -> str:
        """Bind the route key to ``callback_url``, signed with ``api_secret``; the URL registered now."""
        body = {"callbackRouteKey": self.route_key, "callbackUrl": callback_url, "apiSecret": api_secret,
                "forceUpdate": force}
        data = self._call("POST", "/v1.0/card/callbacks/register", body, token)
        return str((data.get("result") or {}).get("callbackUrl") or callback_url)
