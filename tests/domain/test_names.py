"""Near-miss owner names (issue 15): same pinyin, traditional/simplified, a known alias, one
character off — and two different short names are not near misses."""

from __future__ import annotations

from luodi.domain.names import NearMiss, near_misses

DIRECTORY = ["张经理", "小林", "小王", "小李", "小陈", "王小明", "李丽", "Alice Smith"]


def test_same_pinyin_is_a_near_miss() -> None:
    assert near_misses("小麗", DIRECTORY) == [NearMiss("小李", "pinyin")]
    assert near_misses("小黎", DIRECTORY) == [NearMiss("小李", "pinyin")]


def test_traditional_characters_are_the_same_name() -> None:
    assert near_misses("張經理", DIRECTORY) == [NearMiss("张经理", "variant")]
    assert near_misses("小陳", DIRECTORY) == [NearMiss("小陈", "variant")]


def test_a_known_alias_comes_first() -> None:
    assert near_misses("丽丽", DIRECTORY, {"丽丽": "李丽"}) == [NearMiss("李丽", "alias")]
    assert near_misses("alice", DIRECTORY, {"Alice": "Alice Smith"})[0] == NearMiss("Alice Smith", "alias")


def test_one_character_off_for_longer_names() -> None:
    assert near_misses("王晓明", DIRECTORY) == [NearMiss("王小明", "pinyin")]
    assert near_misses("王小名", DIRECTORY)[0].name == "王小明"
    assert near_misses("王大明", DIRECTORY) == [NearMiss("王小明", "one_character")]
    assert near_misses("Alice Smyth", DIRECTORY) == [NearMiss("Alice Smith", "one_character")]


def test_two_short_names_one_character_apart_are_different_people() -> None:
    assert near_misses("小张", DIRECTORY) == []
    assert near_misses("小王", DIRECTORY) == []  # known: no question
    assert near_misses("", DIRECTORY) == []
