"""Click's usage errors in the user's language (issue 15: one language at a time in the CLI).

Typer ≥ 0.29 vendors click without its gettext hook, so "Missing argument 'file'." and
"Try 'luodi meeting lint --help' for help." would stay English beside Chinese output. The top
group (:class:`luodi.cli.localize.LuodiGroup`) passes every usage error through
:func:`translated`: the message is matched against click's fixed sentences and rewritten through
the catalogs; what click quotes from the command line (names, values) is kept as it is.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import IO, Any

import typer

from luodi.i18n import N_
from luodi.i18n import gettext as _

try:  # typer ≥ 0.29 vendors click; older ones use click itself
    _exceptions: Any = importlib.import_module("typer._click.exceptions")
except ImportError:  # pragma: no cover - depends on the installed typer
    _exceptions = importlib.import_module("click.exceptions")
ClickException: type[Exception] = _exceptions.ClickException
UsageError: type[Exception] = _exceptions.UsageError
NoArgsIsHelp: type[Exception] = getattr(_exceptions, "NoArgsIsHelpError", TypeError)  # absent before click 8.2

_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Missing argument (?P<name>.+)\.$"), N_("Missing argument {name}.")),
    (re.compile(r"^Missing option (?P<name>.+)\.$"), N_("Missing option {name}.")),
    (re.compile(r"^Missing parameter: (?P<name>.+)$"), N_("Missing argument {name}.")),
    (re.compile(r"^No such option: (?P<name>\S+?)\s+\(?Possible options: (?P<choices>.+?)\)?$"),
     N_("No such option: {name} (possible options: {choices})")),
    (re.compile(r"^No such option: (?P<name>\S+?)\s+Did you mean (?P<choices>.+)\?$"),
     N_("No such option: {name}. Did you mean {choices}?")),
    (re.compile(r"^No such option: (?P<name>\S+)$"), N_("No such option: {name}")),
    (re.compile(r"^No such command (?P<name>.+)\.$"), N_("No such command {name}.")),
    (re.compile(r"^Option (?P<name>.+) requires an argument\.$"), N_("Option {name} requires an argument.")),
    (re.compile(r"^Option (?P<name>.+) requires (?P<count>\d+) arguments\.$"),
     N_("Option {name} requires {count} arguments.")),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"), N_("Unexpected extra arguments: {args}")),
    (re.compile(r"^Invalid value for (?P<name>[^:]+): (?P<reason>.*)$"), N_("Invalid value for {name}: {reason}")),
    (re.compile(r"^Invalid value: (?P<reason>.*)$"), N_("Invalid value: {reason}")),
    (re.compile(r"^Missing command\.$"), N_("Missing command.")),
    (re.compile(r"^Option (?P<name>.+) does not take a value\.$"), N_("Option {name} does not take a value.")),
    (re.compile(r"^Argument (?P<name>.+) takes (?P<count>\d+) values\.$"), N_("Argument {name} takes {count} values.")),
    (re.compile(r"^Could not open file (?P<name>.+?): (?P<reason>.*)$"), N_("Could not open file {name}: {reason}")),
)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Input should be a valid integer.*$"), N_("expected a whole number")),
    (re.compile(r"^(?P<value>.+) is not a valid integer\.?$"), N_("expected a whole number, got {value}")),
    (re.compile(r"^(?P<value>.+) is not one of (?P<choices>.+)\.$"), N_("{value} is not one of {choices}")),
    (re.compile(r"^(?:Path|File|Directory) (?P<value>.+) does not exist\.$"), N_("{value}: no such file")),
    (re.compile(r"^(?:Path|File|Directory) (?P<value>.+) is a file\.$"), N_("{value} is a file, not a folder")),
    (re.compile(r"^(?:Path|File|Directory) (?P<value>.+) is a directory\.$"), N_("{value} is a folder, not a file")),
    (re.compile(r"^(?:Path|File|Directory) (?P<value>.+) is not readable\.$"), N_("{value} cannot be read")),
    (re.compile(r"^(?:Path|File|Directory) (?P<value>.+) is not writable\.$"), N_("{value} cannot be written")),
    (re.compile(r"^Value (?P<value>.+) is not a valid (?P<kind>\w+)\.$"), N_("{value} is not a valid value")),
)


def sentence(message: str, cause: BaseException | None = None) -> str:
    """Click's English sentence ``message`` in the current language (unknown ones as they are).

    ``cause`` is what the error was raised from: typer checks values with pydantic, whose error
    gives the reason by its type (:mod:`luodi.cli.reasons`) rather than by its English words."""
    for pattern, msgid in _SENTENCES:
        found = pattern.match(message.strip())
        if found:
            parts = found.groupdict()
            if "reason" in parts:
                parts["reason"] = _reason(parts["reason"], cause)
            return _(msgid).format(**parts)
    return message


def _reason(reason: str, cause: BaseException | None = None) -> str:
    from pydantic import ValidationError

    if isinstance(cause, ValidationError) and cause.errors():
        from luodi.cli.reasons import reason as pydantic_reason

        return pydantic_reason(cause.errors()[0])
    for pattern, msgid in _REASONS:
        found = pattern.match(reason.strip())
        if found:
            return _(msgid).format(**found.groupdict())
    return reason


class TranslatedUsageError(UsageError):  # type: ignore[misc,valid-type]
    """A usage error shown in the user's language, with the command's usage line and help hint."""

    def __init__(self, original: Any) -> None:
        super().__init__(original.format_message(), getattr(original, "ctx", None))
        self.exit_code = getattr(original, "exit_code", 2)
        self.original = original

    def show(self, file: IO[Any] | None = None) -> None:
        out = file or sys.stderr
        ctx = getattr(self.original, "ctx", None)
        if ctx is not None:
            typer.echo(ctx.get_usage(), file=out)
            if ctx.command.get_help_option(ctx) is not None:
                typer.echo(_("Try '{command}' for help.").format(
                    command=f"{ctx.command_path} {ctx.help_option_names[0]}"), file=out)
            typer.echo("", file=out)
        message = sentence(self.original.format_message(), self.original.__cause__)
        typer.echo(_("Error: {message}").format(message=message), file=out)


def translated(exc: Exception) -> Exception:
    """``exc`` ready to be shown in the user's language (a usage error), or ``exc`` itself."""
    if isinstance(exc, TranslatedUsageError | NoArgsIsHelp) or not isinstance(exc, UsageError):
        return exc   # a bare group shows its (already translated) help, as click does
    return TranslatedUsageError(exc)
