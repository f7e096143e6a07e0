"""Generate docs/configuration.md (from Settings) and docs/cli.md (from --help).

Run by `make docs`; tests/test_docs.py fails when either is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
# docs/configuration.md: the table above this line is generated; the sections below it are written
# by hand (production mode, key rotation, health and metrics …) and kept as they are.
HAND_WRITTEN = "<!-- Everything below this line is written by hand; scripts/gen_docs.py keeps it. -->"


def configuration() -> str:
    from luodi.config import Settings

    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable with the prefix `LUODI_`, or a key of the same",
        "name (lower case, without the prefix) in `luodi.toml` in the working directory (another",
        "file: `LUODI_CONFIG=path`). The environment wins over the file.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "(computed)" if field.default_factory else repr(field.default)
        if name == "secret_key":
            default = "(generated per installation)"
        lines.append(f"| `LUODI_{name.upper()}` | `{default}` | {field.description} |")
    lines += [
        "",
        "## Calendar feeds and outgoing webhooks",
        "",
        "Neither has a setting of its own. **Calendar feeds** (INT-3) are served by the web app at",
        "`LUODI_BASE_URL/feeds/<token>.ics`: set `LUODI_BASE_URL` to the address calendar apps reach, then",
        "`luodi feed url --person NAME` (or `--meeting ID`) prints the URL to subscribe to; `--rotate`",
        "replaces a leaked one. The alarm of each due date follows the T−1 rule (`[rules.at_risk_before_1d]`",
        "in luodi.toml) and the working days of `LUODI_CALENDAR`; the events are in `LUODI_TZ`.",
        "**Outgoing webhooks** (INT-4) are rows in the database, added with",
        "`luodi webhook add URL --events E[,E…] [--project P] [--allow-private]` or on the `/webhooks` page,",
        "and sent by the worker (`luodi worker` or `luodi serve`), with the outbox's retries",
        "(`LUODI_MAX_ATTEMPTS`, `LUODI_BACKOFF_SECONDS`); see docs/channels.md, *Outgoing webhooks*.",
        "The generic `webhook` channel's `secret` is a channel setting (`luodi channel add … --secret`), not",
        "an environment variable.",
    ]
    current = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    tail = current[current.index(HAND_WRITTEN):] if HAND_WRITTEN in current else HAND_WRITTEN + "\n"
    return "\n".join(lines) + "\n\n" + tail


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """The command and its subcommands (Typer vendors click, so test for ``commands``)."""
    found = [(path, command)]
    for name in sorted(getattr(command, "commands", {}) or {}):
        found += _walk(command.commands[name], [*path, name])
    return found


def cli_reference() -> str:
    """Every command's --help as plain text: the root app sets rich_markup_mode=None, so click's own
    formatter writes every command's help (Rich panels would print instead of returning)."""
    import typer.main

    from luodi.cli.main import app

    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "", "Generated from `--help` by `scripts/gen_docs.py`.", "",
             "The CLI speaks Chinese by default: help, table headers, statuses and rule names come from",
             "the catalogs; `LUODI_LANGUAGE=en` (or `language = \"en\"` in luodi.toml) switches to English,",
             "shown below. `--json` output keeps English keys and values in every language: it is the",
             "contract for scripts. Adding a command: write its docstring and `help=` texts in English,",
             "run `scripts/i18n.sh` (it extracts them, see `luodi.cli.localize`) and translate.", ""]
    for path, command in _walk(root, ["luodi"]):
        context = command.context_class(command, info_name=" ".join(path), terminal_width=100,
                                        max_content_width=100)
        with context as ctx:
            text = command.get_help(ctx)
        lines += [f"## `{' '.join(path)}`", "", "```", text.rstrip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    outputs = {ROOT / "docs" / "configuration.md": configuration(), ROOT / "docs" / "cli.md": cli_reference()}
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
