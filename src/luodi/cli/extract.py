"""``luodi meeting extract``: minutes or a chat transcript → candidate decisions and action items,
to review; ``-o`` writes the accepted ones as an action-list draft for ``luodi meeting import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _


def _text(file: Path) -> str:
    from luodi.capture.sheet import decode_csv

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(_("{file}: cannot read it ({reason})").format(file=file, reason=exc.strerror or exc))
    text, problem = decode_csv(data)  # UTF-8 (BOM or not) or GBK, as minutes are exported
    if text is None:
        fail(f"{file}: {problem.message if problem else ''}")
    return text


def meeting_extract(
    file: Path,
    source: Annotated[str, typer.Option("--from", help="minutes (会议纪要, 妙记) or chat (a transcript)")] = "minutes",
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")] = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the candidates as an action-list draft to review and import")] = None,
    llm: Annotated[bool, typer.Option(
        "--llm", help="Ask the language model at LUODI_LLM_URL for the candidates instead of the rules")] = False,
) -> None:
    """Read meeting minutes or a chat and propose decisions and action items (a person of the
    directory, an action, a date), each with the sentence it came from. Writes nothing to the
    database; review the draft, then import it."""
    from luodi.capture.extract import draft_markdown
    from luodi.services.capture.extraction import LanguageModel, extract_candidates
    from luodi.services.rules.rule_context import calendar_from_settings

    if source not in ("minutes", "chat"):
        fail(_("--from: expected minutes or chat, got {value!r}").format(value=source))
    config = settings()
    model = None
    if llm:
        if not config.llm_url or not config.llm_model:
            fail(_("--llm needs LUODI_LLM_URL and LUODI_LLM_MODEL"))
        key = config.llm_api_key.get_secret_value() if config.llm_api_key else None
        model = LanguageModel(url=config.llm_url, model=config.llm_model, api_key=key)
    text = _text(file)
    with session_scope() as session, service_errors():
        found = extract_candidates(session, text, source="chat" if source == "chat" else "minutes", now=now(),
                                   tz=config.tz, calendar=calendar_from_settings(config),
                                   end_of_day=config.end_of_day, model=model)
    if output is not None:
        try:
            output.write_text(draft_markdown(found), encoding="utf-8")
        except OSError as exc:
            fail(_("{file}: cannot write it ({reason})").format(file=output, reason=exc.strerror or exc))
    if json:
        print_json(found.to_json())
        return
    for decision in found.decisions:
        typer.echo(_("line {line}: decision: {text}").format(line=decision.source_line, text=decision.text))
    for item in found.items:
        due = item.due.isoformat() if item.due else (item.due_text or _("no date"))
        typer.echo(_("line {line}: item: {title} · {owner} · {due}").format(
            line=item.source_line, title=item.title, owner=item.owner or _("no owner"), due=due))
    typer.echo(_("{decisions} decisions, {items} items").format(decisions=len(found.decisions),
                                                                items=len(found.items)))
    if output is not None:
        typer.echo(_("Draft written to {file}: review it, then run luodi meeting import {file}").format(file=output))
