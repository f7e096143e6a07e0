"""ACC-3: the weighted rubric — the article's 4, 5, 3, 3 is 78; totals in [20, 100], monotone."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.scoring import (
    DEFAULT_RUBRIC,
    Criterion,
    Rubric,
    RubricError,
    parse_scores,
    passed,
    rubric_from_settings,
    total,
)

KEYS = DEFAULT_RUBRIC.keys
scores = st.fixed_dictionaries({key: st.integers(1, 5) for key in KEYS})


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    """Any rubric: 1–6 criteria with positive whole weights adding up to 100."""
    count = draw(st.integers(1, 6))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 100]
    weights = [b - a for a, b in pairwise(bounds)]
    return Rubric(tuple(Criterion(f"c{i}", w) for i, w in enumerate(weights)), draw(st.integers(0, 100)))


def test_the_articles_example_scores_78_and_passes() -> None:
    example = {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}
    assert total(DEFAULT_RUBRIC, example) == 78
    assert passed(DEFAULT_RUBRIC, 78)


def test_default_weights_are_the_articles() -> None:
    assert DEFAULT_RUBRIC.weights() == {"completeness": 30, "accuracy": 30, "executability": 25, "innovation": 15}
    assert sum(DEFAULT_RUBRIC.weights().values()) == 100


@given(rubrics())
def test_weights_always_sum_to_100_percent(rubric: Rubric) -> None:
    assert sum(c.weight for c in rubric.criteria) == 100


@given(rubrics(), st.data())
def test_a_total_lies_in_20_to_100(rubric: Rubric, data: st.DataObject) -> None:
    given_scores = {key: data.draw(st.integers(1, 5)) for key in rubric.keys}
    assert 20 <= total(rubric, given_scores) <= 100
    assert total(rubric, dict.fromkeys(rubric.keys, 1)) == 20
    assert total(rubric, dict.fromkeys(rubric.keys, 5)) == 100


@given(rubrics(), st.data())
def test_a_total_is_monotone_in_each_criterion(rubric: Rubric, data: st.DataObject) -> None:
    base = {key: data.draw(st.integers(1, 4)) for key in rubric.keys}
    key = data.draw(st.sampled_from(rubric.keys))
    better = base | {key: base[key] + data.draw(st.integers(1, 5 - base[key]))}
    assert total(rubric, better) >= total(rubric, base)


@given(scores)
def test_default_rubric_total_matches_the_formula(given_scores: dict[str, int]) -> None:
    weights = {"completeness": 0.30, "accuracy": 0.30, "executability": 0.25, "innovation": 0.15}
    exact = sum(weights[k] * v for k, v in given_scores.items()) / 5 * 100
    assert abs(total(DEFAULT_RUBRIC, given_scores) - exact) <= 0.5 + 1e-9


@pytest.mark.parametrize("bad, field", [
    ({"completeness": 4, "accuracy": 5, "executability": 3}, "innovation"),
    ({"completeness": 0, "accuracy": 5, "executability": 3, "innovation": 3}, "completeness"),
    ({"completeness": 6, "accuracy": 5, "executability": 3, "innovation": 3}, "completeness"),
    ({"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3, "style": 2}, "style"),
])
def test_bad_scores_name_the_criterion(bad: dict[str, int], field: str) -> None:
    with pytest.raises(RubricError) as caught:
        total(DEFAULT_RUBRIC, bad)
    assert caught.value.field == field


def test_parse_scores_accepts_english_and_chinese_names() -> None:
    assert parse_scores("completeness=4,accuracy=5,executability=3,innovation=3") == {
        "completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}
    assert parse_scores("完整性=4，准确性:5,可执行性=3,创新性=3")["accuracy"] == 5
    for bad in ("", "completeness", "completeness=x", "accuracy=4,accuracy=5"):
        with pytest.raises(RubricError):
            parse_scores(bad)


def test_rubrics_refuse_weights_that_do_not_add_up() -> None:
    with pytest.raises(RubricError):
        Rubric((Criterion("a", 50), Criterion("b", 40)))
    with pytest.raises(RubricError):
        rubric_from_settings({"rubric": {"a": 50, "b": 40}})
    custom = rubric_from_settings({"rubric": {"quality": 60, "speed": 40}, "pass_mark": 80})
    assert custom.pass_mark == 80 and total(custom, {"quality": 5, "speed": 5}) == 100
    assert rubric_from_settings(None) is DEFAULT_RUBRIC
