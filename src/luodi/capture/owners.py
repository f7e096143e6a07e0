"""Owner names as people write them: ``@小王``, ``市场部-小张``, ``小张(市场部)``, ``小王/小李``.

:func:`owner_names` returns the people a text names, department and ``@`` removed; more than one
is a question for the coordinator (which one owns it?), never a silent pick. Groups (大家, 市场部)
are left as written: :func:`luodi.domain.lint.lint` refuses them.
"""

from __future__ import annotations

import re

from luodi.capture.model import Asker
from luodi.i18n import gettext as _

_DEPARTMENT_BEFORE = re.compile(r"^\S{1,12}?(?:部|组|中心|团队|事业部|工作室)\s*[-－—_·/]\s*(?P<name>\S{1,20})$")
_DEPARTMENT_AFTER = re.compile(r"^(?P<name>[^()（）]{1,20}?)\s*[(（][^()（）]{1,20}[)）]$")
_SEPARATORS = re.compile(r"\s*(?:[/／、,，;；&+]|\s+(?:and|or)\s+|(?<=\S\S)[和与及](?=\S\S)|\s+(?=@))\s*")


def clean_name(text: str) -> str:
    """One name without ``@``, department or surrounding punctuation."""
    name = text.strip().strip("@＠ :：,，。").strip()
    for pattern in (_DEPARTMENT_BEFORE, _DEPARTMENT_AFTER):
        match = pattern.fullmatch(name)
        if match:
            name = match["name"].strip()
    return name.lstrip("@＠").strip()


def owner_names(text: str) -> list[str]:
    """The distinct people ``text`` names, in order (``"小王/小李"`` → ``["小王", "小李"]``)."""
    parts = [clean_name(part) for part in _SEPARATORS.split(text.strip()) if part.strip("@＠ ")]
    return list(dict.fromkeys(part for part in parts if part))


def choose_owner(text: str, line: int, asker: Asker) -> str:
    """The one owner of an item: a question when the text names several people."""
    names = owner_names(text)
    if len(names) <= 1:
        return names[0] if names else ""
    message = _("{text!r} names {count} people; who owns this item?").format(text=text.strip(), count=len(names))
    return asker.ask(line, "owner", message, names)
