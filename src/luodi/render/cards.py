"""Cards with buttons for the IM app bots: Feishu interactive card, DingTalk ActionCard, WeCom
template card (确认收到 / 有问题 / 申请改期 / 查看).

Pure functions over plain data, used by ``notify`` (the card sent) and by the web callbacks (the
card shown after a click). A :class:`Button` either opens a URL (the owner's signed link) or,
when it carries ``value`` (the signed confirmation token), acts in place through the vendor's
card callback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from luodi.i18n import gettext as _

# Button actions, in the order shown.
ACTIONS = ("confirm", "question", "reschedule", "view")
CALLBACK_TAG = "luodi"  # the key of a callback button's value that names the action


@dataclass(frozen=True)
class Button:
    """A button on a card. ``value`` set: acts through the card callback; else opens ``url``."""

    action: str  # confirm | question | reschedule | view
    label: str
    url: str | None = None
    value: str | None = None  # the signed confirmation token, for callback buttons

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "label": self.label, "url": self.url, "value": self.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Button:
        return cls(str(data["action"]), str(data["label"]), data.get("url"), data.get("value"))


def labels() -> dict[str, str]:
    """The buttons' labels in the current language."""
    return {"confirm": _("Confirm receipt"), "question": _("I have a question"),
            "reschedule": _("Ask for a new date"), "view": _("View")}


def confirmation_buttons(link: str, token: str | None) -> list[Button]:
    """The four buttons of an owner's message. ``token`` given: 确认收到 acts in place (app bots
    with a callback); the other three always open the signed link, where a question or a new
    date can be written."""
    names = labels()
    confirm = (Button("confirm", names["confirm"], url=link, value=token) if token
               else Button("confirm", names["confirm"], url=f"{link}?answer=confirm"))
    return [confirm, Button("question", names["question"], url=f"{link}?answer=question#question"),
            Button("reschedule", names["reschedule"], url=f"{link}?answer=reschedule#reschedule"),
            Button("view", names["view"], url=link)]


# --- Feishu ---------------------------------------------------------------------------------
def feishu_card(title: str, markdown: str, buttons: list[Button], *, template: str = "blue",
                note: str | None = None) -> dict[str, Any]:
    """A Feishu message card (JSON 1.0 layout): header, lark_md body, a row of buttons."""
    elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": markdown}}]
    actions = []
    for index, button in enumerate(buttons):
        element: dict[str, Any] = {"tag": "button", "text": {"tag": "plain_text", "content": button.label},
                                   "type": "primary" if index == 0 else "default"}
        if button.value:
            element["value"] = {CALLBACK_TAG: button.action, "t": button.value}
        elif button.url:
            element["url"] = button.url
        actions.append(element)
    if actions:
        elements.append({"tag": "action", "actions": actions})
    if note:
        elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": note}]})
    return {"config": {"wide_screen_mode": True, "update_multi": False},
            "header": {"title": {"tag": "plain_text", "content": title}, "template": template},
            "elements": elements}


def feishu_answered_card(title: str, summary: str, view_url: str | None) -> dict[str, Any]:
    """The card after an owner pressed 确认收到: green, says who confirmed and when, no action buttons."""
    buttons = [Button("view", labels()["view"], url=view_url)] if view_url else []
    return feishu_card(title, summary, buttons, template="green")


# --- DingTalk -------------------------------------------------------------------------------
def dingtalk_action_card(title: str, markdown: str, buttons: list[Button]) -> dict[str, Any]:
    """A 工作通知 ``action_card`` whose buttons open links (DingTalk's ActionCard buttons are links)."""
    links = [{"title": b.label, "action_url": b.url} for b in buttons if b.url]
    card: dict[str, Any] = {"title": title, "markdown": markdown}
    if links:
        card["btn_orientation"] = "1"
        card["btn_json_list"] = links
    else:
        card["single_title"], card["single_url"] = labels()["view"], ""
    return {"msgtype": "action_card", "action_card": card}


# DingTalk interactive card (互动卡片): a template built in DingTalk's 卡片平台 (docs/channels.md)
# filled with these string variables; its 确认收到 button is a 回传请求 with the parameters
# ``{"luodi": "confirm"}``, the others open ``*_url``. The card's outTrackId names the outbox row
# that sent it: the callback carries only the template's parameters, the token is read from the row.
DINGTALK_TRACK_PREFIX = "luodi-"


def dingtalk_out_track_id(message_id: str) -> str:
    """``<outbox-12.ab12cd@luodi>`` → ``luodi-outbox-12-ab12cd`` (letters, digits and dashes)."""
    core = message_id.strip("<>").split("@", 1)[0]
    return DINGTALK_TRACK_PREFIX + core.replace(".", "-")


def dingtalk_outbox_id(out_track_id: str) -> int | None:
    """The outbox row an outTrackId of :func:`dingtalk_out_track_id` names, or None."""
    parts = out_track_id.removeprefix(DINGTALK_TRACK_PREFIX).split("-")
    if not out_track_id.startswith(DINGTALK_TRACK_PREFIX) or len(parts) != 3 or parts[0] != "outbox":
        return None
    return int(parts[1]) if parts[1].isdigit() else None


def dingtalk_card_params(title: str, markdown: str, buttons: list[Button]) -> dict[str, str]:
    """The card's public data (``cardParamMap``: strings only, as DingTalk requires)."""
    params = {"title": title, "markdown": markdown, "status": "pending", "confirmed_text": ""}
    for button in buttons:
        params[f"{button.action}_label"] = button.label
        if button.url:
            params[f"{button.action}_url"] = button.url
    return params


def dingtalk_answered_params(summary: str) -> dict[str, str]:
    """What changes once the owner confirmed: the template hides the buttons and shows ``confirmed_text``."""
    return {"status": "confirmed", "confirmed_text": summary}


# --- WeCom ----------------------------------------------------------------------------------
def wecom_template_card(title: str, description: str, buttons: list[Button], *, task_id: str,
                        interactive: bool) -> dict[str, Any]:
    """A WeCom template card. ``interactive`` (the app has a callback URL): ``button_interaction``
    whose 确认收到 sends a ``template_card_event``; otherwise ``text_notice`` with links only
    (WeCom refuses callback cards from an app without a callback URL)."""
    link = next((b.url for b in buttons if b.action == "view" and b.url), None)
    main = {"title": title[:36]}
    if not interactive:
        card: dict[str, Any] = {"card_type": "text_notice", "main_title": main, "sub_title_text": description,
                                "jump_list": [{"type": 1, "title": b.label, "url": b.url}
                                              for b in buttons if b.url][:3],
                                "card_action": {"type": 1, "url": link or ""}}
        return card
    button_list = []
    for button in buttons:
        if button.value:
            button_list.append({"text": button.label, "style": 1, "key": f"{button.action}:{button.value}"})
        elif button.url:
            button_list.append({"text": button.label, "style": 2, "type": 1, "url": button.url})
    return {"card_type": "button_interaction", "main_title": main, "sub_title_text": description,
            "task_id": task_id, "button_list": button_list[:6], "card_action": {"type": 1, "url": link or ""}}


def dumps(document: Any) -> str:
    """JSON text as the vendors embed it (Feishu's ``content`` is a JSON string)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
