"""The Babel extraction hook for the CLI's help texts (babel.cfg), used by scripts/i18n.sh only.

Its own module because it imports the whole command tree (``luodi.cli.main``), which imports
``localize``: kept apart, no module of the CLI imports back.
"""

from __future__ import annotations

from typing import Any

from luodi.cli.localize import help_texts


def babel_extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """Babel extraction method for ``cli/main.py`` (babel.cfg): its ``_()`` calls as usual, plus every
    help text of the command tree Typer builds from it — docstrings and ``help=`` arguments of all
    commands, wherever they are defined. Exactly what ``localize`` looks up."""
    import typer.main
    from babel.messages.extract import extract_python

    from luodi.cli.main import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in help_texts(typer.main.get_command(app)):
        yield 0, None, text, []
