"""Box tables for plain-text mail: CJK and emoji take two columns, lines all line up."""

from __future__ import annotations

import pytest

from luodi.render.table import display_width, draw_table, wrap


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("abc", 3),
        ("细化活动方案", 12),
        ("培训PPT", 7),
        ("，。（）", 8),  # full-width punctuation
        ("⚪🔵🟠⚫🟢", 10),
        ("⭐⭐⭐", 6),
        ("⚠️", 2),  # text-style symbol + VS16 is drawn as an emoji
        ("e\u0301", 1),  # combining accent takes no column
        ("a\u200bb", 2),  # zero-width space
        ("ｑ", 2),  # full-width Latin
        ("│─┌", 3),  # box drawing: ambiguous width, one column
    ],
)
def test_display_width_counts_wide_characters_twice(text: str, width: int) -> None:
    assert display_width(text) == width


def test_every_line_of_a_cjk_table_has_the_same_display_width() -> None:
    table = draw_table(
        ["序号", "行动项", "责任人", "状态"],
        [["1", "细化活动方案", "小王", "🔵 进行中"], ["2", "技术评估 and review", "Li", "⚪ 未开始"]],
        align=["center", "left", "left", "left"],
    )
    lines = table.splitlines()
    assert len({display_width(line) for line in lines}) == 1
    assert lines[0].startswith("┌") and lines[0].endswith("┐") and "┬" in lines[0]
    assert lines[2].startswith("├") and "┼" in lines[2]
    assert lines[-1].startswith("└") and "┴" in lines[-1]
    assert "│ 细化活动方案        │" in table


def test_long_cells_wrap_at_the_maximum_width_and_rows_get_rules() -> None:
    table = draw_table(
        ["#", "行动项"],
        [["1", "培训材料准备，这是一个非常长的中文标题需要换行。"], ["2", "短"]],
        max_widths=[None, 10],
    )
    lines = table.splitlines()
    assert len({display_width(line) for line in lines}) == 1
    cells = [line.split("│")[2].strip() for line in lines if line.startswith("│")]
    assert cells == ["行动项", "培训材料准", "备，这是一", "个非常长的", "中文标题需", "要换行。", "短"]
    assert sum(line.startswith("├") for line in lines) == 2  # after the header and between the rows


def test_single_line_rows_have_no_rules_between_them() -> None:
    lines = draw_table(["a"], [["1"], ["2"], ["3"]]).splitlines()
    assert [line[0] for line in lines] == ["┌", "│", "├", "│", "│", "│", "└"]


def test_wrap_breaks_latin_at_spaces_and_cuts_overlong_words() -> None:
    assert wrap("prepare the training deck", 10) == ["prepare", "the", "training", "deck"]
    assert wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]
    assert wrap("方案B评审", 4) == ["方案", "B评", "审"]


def test_wrap_never_starts_a_line_with_closing_punctuation() -> None:
    lines = wrap("一二三，四五六。", 6)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == "一二三，四五六。"


def test_wrap_keeps_explicit_line_breaks_and_emoji_whole() -> None:
    assert wrap("☐ 必需章节\n☐ 数据准确", 20) == ["☐ 必需章节", "☐ 数据准确"]
    assert wrap("🔵🔵🔵", 4) == ["🔵🔵", "🔵"]


def test_rows_must_match_the_header() -> None:
    with pytest.raises(ValueError, match="2 cells"):
        draw_table(["a", "b"], [["only one"]])
