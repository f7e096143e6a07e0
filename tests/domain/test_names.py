"""Near-miss owner names (issue 15): same pinyin, traditional/simplified, a known alias, one
character off — and two different short names are not near misses."""

from __future__ import annotations

from luodi.domain.names import NearMiss, near_misses, pinyin_key

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


# ---------------------------------------------------------------- the boundaries (`make mutation`)

def test_a_written_name_that_is_known_asks_nothing_even_when_another_sounds_alike() -> None:
    assert near_misses("小李", ["小李", "小麗"]) == []
    assert near_misses("  ", DIRECTORY) == []


def test_one_character_inserted_or_deleted_is_a_near_miss_for_long_enough_names() -> None:
    assert near_misses("欧阳明", ["欧阳小明"]) == [NearMiss("欧阳小明", "one_character")]  # one dropped
    assert near_misses("欧阳小明", ["欧阳明"]) == [NearMiss("欧阳明", "one_character")]  # one added
    assert near_misses("Aron", ["Aaron"]) == [NearMiss("Aaron", "one_character")]
    assert near_misses("Aaron", ["Aron"]) == [NearMiss("Aron", "one_character")]
    assert near_misses("Anna", ["Bobby"]) == []  # one longer, but not one character off
    assert near_misses("Alexandr", ["Alexander", "Alex"]) == [NearMiss("Alexander", "one_character")]


def test_latin_names_need_four_letters_chinese_names_three() -> None:
    assert near_misses("Anne", ["Anna"]) == [NearMiss("Anna", "one_character")]
    assert near_misses("Ann", ["Ana"]) == []  # three letters are too short to guess
    assert near_misses("王大明", ["王小明"]) == [NearMiss("王小明", "one_character")]
    assert near_misses("小张", ["小王"]) == []


def test_rare_and_boundary_han_characters_count_as_chinese() -> None:
    # 一 (U+4E00), 鿿 (U+9FFF) and the Extension A block (U+3400…U+4DBF) are all Chinese characters
    for han in ("\u4e00", "\u9fff", "\u3400", "\u4dbf"):
        assert near_misses(f"{han}ab", [f"{han}ac"]) == [NearMiss(f"{han}ac", "one_character")]
    assert near_misses("abc", ["abd"]) == []


def test_the_strongest_reason_comes_first_then_the_names_in_order() -> None:
    found = near_misses("小麗", ["小理", "小李", "小丽"], {"小麗": "张伟"})
    assert found == [NearMiss("张伟", "alias"), NearMiss("小丽", "variant"),
                     NearMiss("小李", "pinyin"), NearMiss("小理", "pinyin")]


def test_pinyin_keys_are_toneless_syllables_separated_by_spaces() -> None:
    assert pinyin_key("小麗") == pinyin_key("小李") == "xiao li"
    assert pinyin_key("王小明") == "wang xiao ming"
