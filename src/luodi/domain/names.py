"""Near-miss owner names: 小麗 for 小李 should be a question, not a new person nobody can reach.

Pure (pypinyin and opencc-python-reimplemented are pure-Python dictionaries). A written owner that
is not in the people directory is compared with every known name and alias; a near miss is, in
this order of strength:

- ``alias``: the name is a known alias of a person (``Alice`` for 李丽);
- ``variant``: the same name in simplified characters (張偉 → 张伟, 小麗 → 小丽);
- ``pinyin``: the same pinyin without tones (小麗 and 小李 are both ``xiao li``) — the usual
  typo of a pinyin input method;
- ``one_character``: one character inserted, deleted or replaced, for names of three characters
  or more (王小明 / 王晓明, Alicia / Alice). Two-character names such as 小王 and 小李 differ by
  one character and are different people, so they are never matched this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Reason = Literal["alias", "variant", "pinyin", "one_character"]
_RANK: dict[Reason, int] = {"alias": 0, "variant": 1, "pinyin": 2, "one_character": 3}


@dataclass(frozen=True)
class NearMiss:
    """A known person's name that ``written`` probably meant, and why."""

    name: str
    reason: Reason


@lru_cache(maxsize=1)
def _converter() -> object:
    from opencc import OpenCC  # type: ignore[import-untyped]

    return OpenCC("t2s")


def simplified(name: str) -> str:
    """``name`` in simplified characters, stripped and case-folded (for comparison only)."""
    return str(_converter().convert(name.strip())).casefold()  # type: ignore[attr-defined]


def pinyin_key(name: str) -> str:
    """The toneless pinyin of ``name``'s Chinese characters, other characters kept (case-folded)."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(simplified(name))).casefold()


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:index] + long[index + 1:] == short for index in range(len(long)))


def _is_han(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)


def _one_character_off(written: str, known: str) -> bool:
    shortest = min(len(written), len(known))
    if shortest < (3 if _is_han(written + known) else 4):
        return False
    return _one_edit_apart(written, known)


def near_misses(written: str, names: Iterable[str], aliases: Mapping[str, str] | None = None) -> list[NearMiss]:
    """The known names ``written`` may have meant, strongest reason first (then by name).

    ``names`` are the people directory's names; ``aliases`` maps an alias to its person's name. A
    ``written`` that is itself a known name has no near misses.
    """
    text = written.strip()
    known = [name for name in names if name.strip()]
    if not text or text in known:
        return []
    best: dict[str, Reason] = {}

    def note(name: str, reason: Reason) -> None:
        if name != text and (name not in best or _RANK[reason] < _RANK[best[name]]):
            best[name] = reason

    folded = text.casefold()
    for alias, name in (aliases or {}).items():
        if alias.strip().casefold() == folded:
            note(name, "alias")
    plain, sound = simplified(text), pinyin_key(text)
    for name in known:
        other = simplified(name)
        if other == plain:
            note(name, "variant")
        elif _is_han(text + name) and pinyin_key(name) == sound:
            note(name, "pinyin")
        elif _one_character_off(plain, other):
            note(name, "one_character")
    return [NearMiss(name, reason) for name, reason in sorted(best.items(), key=lambda kv: (_RANK[kv[1]], kv[0]))]
