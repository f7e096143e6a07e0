"""Plain-text tables drawn with box characters, aligned for Chinese text and emoji.

A terminal or a monospace font gives East Asian wide characters (unicodedata.east_asian_width
'W' or 'F': 汉字, full-width punctuation) and emoji (⚪🔵🟠⚫🟢⭐) two columns, everything else one;
combining marks, zero-width joiners and variation selectors take none. Cells longer than their
column's maximum width wrap: Chinese between any two characters, Latin text at spaces (a word
longer than the column is cut), and never with closing punctuation (，。）」) at a line's start.

Box-drawing characters are East Asian *ambiguous*: some Chinese fonts draw them two columns wide,
which no text layout can fix. They are counted as one column, as terminals and mono fonts do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

Align = Literal["left", "center", "right"]

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f")
_VS16 = "\ufe0f"  # emoji presentation selector: makes "⚠" (1 column) into "⚠️" (2 columns)
_CLOSING = frozenset("，。、；：？！）」』】》〉”’…,.;:?!)]}%")
_MIN_WIDTH = 2  # a column must hold one wide character


def char_width(char: str) -> int:
    """Columns one code point takes in a monospace font: 0, 1 or 2."""
    if char in _ZERO_WIDTH or unicodedata.combining(char):
        return 0
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf", "Cc"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    if 0x1F000 <= ord(char) <= 0x1FAFF:  # emoji blocks, should the Unicode data be older
        return 2
    return 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font (``len`` counts 细化活动方案 as 6, this as 12)."""
    width = 0
    previous = 0
    for char in text:
        if char == _VS16 and previous == 1:
            width += 1  # the base turns into a wide emoji
            previous = 2
            continue
        previous = char_width(char)
        width += previous
    return width


def _tokens(paragraph: str) -> list[str]:
    """Split into units a line may break between: spaces, Latin words, single wide characters.

    Closing punctuation and zero-width marks stay attached to what precedes them.
    """
    tokens: list[str] = []
    for piece in re.findall(r"\s+|[^\s]", paragraph):
        if not tokens:
            tokens.append(piece)
            continue
        last = tokens[-1]
        glue = (piece in _CLOSING or char_width(piece) == 0) and not last.isspace()
        latin_word = (
            not piece.isspace()
            and char_width(piece) == 1
            and not last.isspace()
            and all(char_width(char) <= 1 for char in last)
        )
        if glue or latin_word:
            tokens[-1] = last + piece
        else:
            tokens.append(piece)
    return tokens


def _split_long(token: str, width: int) -> list[str]:
    """Cut a token wider than ``width`` into pieces that fit."""
    pieces: list[str] = []
    current = ""
    for char in token:
        if current and display_width(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to lines of at most ``width`` columns; explicit line breaks are kept."""
    width = max(width, _MIN_WIDTH)
    lines: list[str] = []
    for paragraph in text.replace("\t", " ").splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph):
            if display_width(line + token) <= width:
                line += token
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = ""
            if token.isspace():
                continue
            *full, line = _split_long(token, width)
            lines.extend(full)
        lines.append(line.rstrip())
    return lines


def _pad(text: str, width: int, align: Align) -> str:
    gap = width - display_width(text)
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def draw_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_widths: Sequence[int | None] | None = None,
    align: Sequence[Align] | None = None,
) -> str:
    """Draw a table; every line has the same display width.

    ``max_widths[i]`` caps column i (None: as wide as its widest line). Headers are left-aligned
    unless the column is centred. When any cell wraps, a rule separates every row, so a reader
    can tell where one row ends. Returns the lines joined by "\\n", without a final newline.
    """
    count = len(headers)
    if any(len(row) != count for row in rows):
        raise ValueError(f"every row needs {count} cells")
    caps = list(max_widths) if max_widths is not None else [None] * count
    aligns: list[Align] = list(align) if align is not None else ["left"] * count
    if len(caps) != count or len(aligns) != count:
        raise ValueError(f"max_widths and align need {count} entries")

    widths: list[int] = []
    for column in range(count):
        cells = [headers[column], *(row[column] for row in rows)]
        natural = max(display_width(line) for cell in cells for line in cell.splitlines() or [""])
        cap = caps[column]
        widths.append(max(min(natural, cap) if cap is not None else natural, 1))
    # Wrapping may leave a column narrower than its cap; measure what was produced.
    wrapped = [[wrap(cell, widths[i]) for i, cell in enumerate(row)] for row in [headers, *rows]]
    widths = [
        max(1, *(display_width(line) for row in wrapped for line in row[i])) for i in range(count)
    ]

    def rule(left: str, middle: str, right: str) -> str:
        return left + middle.join("─" * (width + 2) for width in widths) + right

    def body(cells: list[list[str]], aligns_: Sequence[Align]) -> list[str]:
        height = max(len(lines) for lines in cells)
        return [
            "│"
            + "│".join(
                " " + _pad(lines[n] if n < len(lines) else "", widths[i], aligns_[i]) + " "
                for i, lines in enumerate(cells)
            )
            + "│"
            for n in range(height)
        ]

    header_aligns: list[Align] = ["center" if a == "center" else "left" for a in aligns]
    out = [rule("┌", "┬", "┐"), *body(wrapped[0], header_aligns), rule("├", "┼", "┤")]
    multiline = any(len(lines) > 1 for row in wrapped[1:] for lines in row)
    for index, row in enumerate(wrapped[1:]):
        if index and multiline:
            out.append(rule("├", "┼", "┤"))
        out.extend(body(row, aligns))
    out.append(rule("└", "┴", "┘"))
    return "\n".join(out)
