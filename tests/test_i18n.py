"""The translation catalogs are complete and current (luodi is Chinese first).

When one of these fails after you added or changed a user-facing string, run
``scripts/i18n.sh`` (extract → update → compile), translate what ``scripts/i18n.sh missing``
lists in ``src/luodi/locale/zh_CN/LC_MESSAGES/messages.po``, then ``scripts/i18n.sh compile``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from luodi.i18n import LOCALE_DIR, translations

ROOT = Path(__file__).parents[1]
POT = LOCALE_DIR / "messages.pot"
LANGUAGES = ("zh_CN", "en")
FIX = "run scripts/i18n.sh, translate what `scripts/i18n.sh missing` lists, then scripts/i18n.sh compile"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{(\w*)[^{}]*\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def forms(value: object) -> tuple[str, ...]:
    """A message id or string as a tuple of its (plural) forms."""
    return tuple(value) if isinstance(value, list | tuple) else (str(value or ""),)


def ids(catalog: Catalog) -> set[tuple[str, ...]]:
    return {forms(message.id) for message in catalog if message.id}


def placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text.replace("%%", "").replace("{{", ""))}


def test_the_pot_holds_every_string_of_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    subprocess.run(  # the same extraction as scripts/i18n.sh; babel.cfg's patterns are relative to ROOT
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(fresh),
         "--ignore-dirs=.* ._ __pycache__", "."],
        cwd=ROOT,
        check=True,
    )
    missing = ids(read(fresh)) - ids(read(POT))
    gone = ids(read(POT)) - ids(read(fresh))
    assert not missing, f"strings not in messages.pot: {sorted(map(str, missing))[:20]} — {FIX}"
    assert not gone, f"messages.pot holds strings no source has any more: {sorted(map(str, gone))[:20]} — {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_catalog_covers_the_pot(lang: str) -> None:
    assert ids(read(po_path(lang))) == ids(read(POT)), f"{lang} catalog is not updated — {FIX}"


def test_every_string_has_a_chinese_translation() -> None:
    catalog = read(po_path("zh_CN"))
    untranslated = [message.id for message in catalog if message.id and not all(forms(message.string))]
    assert ids(read(POT)) <= ids(catalog)
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:10]} — {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_has_fuzzy_entries(lang: str) -> None:
    catalog = read(po_path(lang))
    assert not catalog.fuzzy, f"the {lang} catalog header is marked fuzzy (pybabel compile would skip it)"
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy {lang} entries: {fuzzy[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    catalog = read(po_path(lang))
    problems = []
    for message in catalog:
        if not message.id:
            continue
        sources, strings = forms(message.id), forms(message.string)
        expected = set().union(*(placeholders(source) for source in sources))
        for string in filter(None, strings):
            found = placeholders(string)
            # One plural form may leave out the count ("逾期%(num)d天" keeps it; "1 item" may not).
            if not found <= expected or (len(sources) == 1 and found != expected):
                problems.append((message.id, string))
        problems.extend((message.id, str(error)) for error in message.check(catalog))
    assert not problems, problems[:10]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogs_match_their_po_files(lang: str) -> None:
    po = read(po_path(lang))
    compiled = BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        committed = read_mo(handle)

    def table(catalog: Catalog) -> dict[object, object]:
        return {forms(message.id): forms(message.string) for message in catalog if message.id}

    assert table(read_mo(compiled)) == table(committed), f"messages.mo is stale for {lang}: scripts/i18n.sh compile"


def test_the_running_code_finds_the_catalogs() -> None:
    assert translations("zh").gettext("Hi all,") == "各位，"
    assert translations("zh").ngettext("%(num)d day overdue", "%(num)d days overdue", 2) == "逾期%(num)d天"
    assert translations("en").gettext("Hi all,") == "Hi all,"
