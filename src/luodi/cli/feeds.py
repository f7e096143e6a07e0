"""``luodi feed url``: the secret URL of a person's or a meeting's calendar feed (INT-3)."""

from __future__ import annotations

from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("url")
def url(
    person: Annotated[str | None, typer.Option("--person", help="The person whose items the feed shows")] = None,
    meeting: Annotated[int | None, typer.Option("--meeting", help="The meeting whose items the feed shows")] = None,
    rotate: Annotated[bool, typer.Option("--rotate", help="Make a new URL; the old one stops working")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")] = False,
) -> None:
    """Print the calendar feed's URL (under LUODI_BASE_URL); subscribe to it in any calendar app."""
    from luodi.models import Meeting
    from luodi.services.accounts import people
    from luodi.services.audit import Actor
    from luodi.services.integrate import feeds

    if (person is None) == (meeting is None):
        fail(_("give exactly one of --person NAME and --meeting ID"))
    with service_errors(), session_scope() as session:
        if person is not None:
            kind, subject_id = "person", people.get_by_name(session, person).id
        else:
            if meeting is None or session.get(Meeting, meeting) is None:
                fail(_("no meeting {id}").format(id=meeting))
            kind, subject_id = "meeting", meeting
        token = feeds.feed_token(session, kind, subject_id, rotate=rotate, actor=Actor.system("cli"), now=now())
        session.commit()
    address = feeds.feed_url(str(settings().base_url), token)
    if json:
        print_json({"kind": kind, "id": subject_id, "url": address, "rotated": rotate})
        return
    typer.echo(address)
