"""The CLI in the user's language: help texts, click's own words, and where the language comes from.

How it works (so every command is translated without each author doing anything special):

* Help texts are written in English, as docstrings and ``help="…"`` arguments. ``scripts/babel_cli.py``
  extracts them into the catalogs (babel.cfg), like ``_()`` calls.
* :class:`LuodiGroup` is the top ``luodi`` group. Before it runs, it sets the language
  (:func:`startup_language`) and walks the whole command tree translating every command's help,
  short help and epilog and every parameter's help through the catalogs (``localize``).
* The help screen's own words ("Usage:", "Options", "[default: …]", "[required]") go through the same
  catalogs: every command's context makes a :class:`help formatter <_formatter_class>` that translates
  them (Typer ≥ 0.29 vendors click without gettext, so click's own translation hook is gone).
  Click's usage-error messages ("Missing option …") go through the catalogs too
  (:mod:`luodi.cli.usage_errors`).

Table headers, statuses and messages are ``_()`` calls in the commands (see :func:`status_name`).
``--json`` output keeps its English keys and values: it is a contract for scripts.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from typer.core import TyperGroup

from luodi.i18n import N_, gettext, normalize, set_language
from luodi.i18n import gettext as _

# The help screen's own words, as click writes them.
HELP_WORDS = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Arguments"), N_("Show this message and exit."),
              N_("default: {default}"), N_("required"), N_("env var: {var}"))
_EXTRAS = re.compile(r"^(?P<text>.*?)\s*\[(?P<extras>[^\[\]]*)\]$", re.DOTALL)


def startup_language() -> str:
    """The language of this run, read cheaply (``luodi --help`` must not load the settings).

    Same order as the settings: ``LUODI_LANGUAGE``, else ``language`` in the TOML file
    (``LUODI_CONFIG`` or ./luodi.toml), else Chinese.
    """
    value = os.environ.get("LUODI_LANGUAGE")
    if not value:
        path = os.environ.get("LUODI_CONFIG", "luodi.toml")
        try:
            with open(path, "rb") as handle:
                found = tomllib.load(handle).get("language")
            value = found if isinstance(found, str) else None
        except (OSError, tomllib.TOMLDecodeError):
            value = None
    return normalize(value)


def _extra(part: str) -> str:
    for key, msgid, name in (("default: ", "default: {default}", "default"), ("env var: ", "env var: {var}", "var")):
        if part.startswith(key):
            return gettext(msgid).format(**{name: part.removeprefix(key)})
    return gettext(part)


def translate_help_record(text: str) -> str:
    """A parameter's help as click shows it ("Owner's name  [default: x; required]"), translated."""
    found = _EXTRAS.match(text)
    if found is None:
        return gettext(text)
    extras = "; ".join(_extra(part.strip()) for part in found["extras"].split(";"))
    return f"{gettext(found['text'])}  [{extras}]" if found["text"] else f"[{extras}]"


@lru_cache(maxsize=4)
def _formatter_class(base: type[Any]) -> type[Any]:
    class LocalizedHelpFormatter(base):  # type: ignore[misc]
        """Click's help formatter with its headings, usage prefix and help records translated."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, prefix if prefix is not None else gettext("Usage:") + " ")

        def write_heading(self, heading: str) -> None:
            super().write_heading(gettext(heading))

        def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
            super().write_dl([(term, translate_help_record(text)) for term, text in rows], *args, **kwargs)

    return LocalizedHelpFormatter


@lru_cache(maxsize=4)
def _context_class(base: type[Any]) -> type[Any]:
    if getattr(base, "luodi_localized", False):
        return base
    return type("LocalizedContext", (base,), {"formatter_class": _formatter_class(base.formatter_class),
                                              "luodi_localized": True})


def _translated(text: str | None) -> str | None:
    return gettext(text) if text else text


def _subcommands(command: Any) -> list[Any]:
    commands = getattr(command, "commands", None)  # a group (click's, or the one Typer vendors)
    return list(commands.values()) if isinstance(commands, dict) else []


def localize(command: Any) -> None:
    """Translate the help of ``command`` and of everything under it, in place (Typer builds the tree per
    run), and give each command a context whose help formatter translates click's own words."""
    command.help = _translated(command.help)
    command.short_help = _translated(command.short_help)
    command.epilog = _translated(command.epilog)
    command.context_class = _context_class(command.context_class)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = gettext(param.help)
    for sub in _subcommands(command):
        localize(sub)


def help_texts(command: Any) -> list[str]:
    """Every help text of the tree (English): what the catalogs hold. Used by the extraction and tests."""
    found = [text for text in (command.help, command.short_help, command.epilog) if text]
    found += [param.help for param in command.params if getattr(param, "help", None)]
    for sub in _subcommands(command):
        found += help_texts(sub)
    return found


def status_name(value: str) -> str:
    """An item's status for people (未开始, "Not started"); unknown values as they are."""
    from luodi.domain.enums import ItemStatus
    from luodi.i18n import current_language
    from luodi.render.env import status_label

    try:
        return status_label(ItemStatus(value), current_language(), emoji=False)
    except ValueError:
        return value


def rule_name(rule_id: str) -> str:
    """A reminder/escalation rule for people (截止前1天未开始), in the run's language: the same
    names as the item history's (:func:`luodi.render.history.rule_name`)."""
    from luodi.i18n import current_language
    from luodi.render.history import rule_name as named

    return named(rule_id, current_language())


def outbox_status_name(value: str) -> str:
    """An outbox message's state for people (待发, 已发 …)."""
    names = {"pending": _("pending"), "sending": _("sending"), "sent": _("sent"), "dead": _("dead"),
             "cancelled": _("cancelled")}
    return names.get(value, value)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class LuodiGroup(TyperGroup):
    """The ``luodi`` group: sets the language and translates the command tree before running."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        set_language(startup_language())
        localize(self)
        return super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                            standalone_mode=standalone_mode, windows_expand_args=windows_expand_args, **extra)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        """Click's usage errors (missing argument, unknown option…) in the user's language."""
        from luodi.cli.usage_errors import ClickException, translated

        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickException as exc:
            raise translated(exc) from exc

    def invoke(self, ctx: Any) -> Any:
        from luodi.cli.usage_errors import ClickException, translated

        try:
            return super().invoke(ctx)
        except ClickException as exc:
            raise translated(exc) from exc
