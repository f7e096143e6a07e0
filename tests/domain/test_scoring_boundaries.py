"""ACC-3's boundaries and error contract (killing the mutants `make mutation` found alive).

The pass mark 60 passes (inclusive); a score lies in 1…5 (both ends valid); every weight must be
positive (a zero weight is refused, 1% is fine) and the weights add up to exactly 100; the pass
mark lies in 0…100 (both ends valid). Every RubricError names its ``field`` — the criterion, or
"rubric" / "pass_mark" / "score" — and says why in words (asserted in English, the msgids).
"""

from __future__ import annotations

import pytest

from luodi.domain.scoring import (
    ALIASES,
    DEFAULT_PASS_MARK,
    DEFAULT_RUBRIC,
    Criterion,
    Rubric,
    RubricError,
    SubmissionKind,
    check_scores,
    parse_scores,
    passed,
    rubric_from_settings,
    total,
)
from luodi.i18n import use_language

EXAMPLE = {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}


def refused(call: object, *args: object) -> RubricError:
    """The RubricError that ``call(*args)`` raises, its message in English."""
    assert callable(call)
    with use_language("en"), pytest.raises(RubricError) as caught:
        call(*args)
    return caught.value


# ---------------------------------------------------------------- the pass mark, 60 inclusive

def test_the_pass_mark_is_60_and_60_itself_passes() -> None:
    assert DEFAULT_PASS_MARK == 60 and DEFAULT_RUBRIC.pass_mark == 60
    assert passed(DEFAULT_RUBRIC, 60)
    assert not passed(DEFAULT_RUBRIC, 59)
    custom = Rubric(DEFAULT_RUBRIC.criteria, 80)
    assert passed(custom, 80) and not passed(custom, 79)


def test_pass_marks_0_and_100_are_valid_and_outside_is_refused_naming_pass_mark() -> None:
    assert Rubric(DEFAULT_RUBRIC.criteria, 0).pass_mark == 0
    assert Rubric(DEFAULT_RUBRIC.criteria, 100).pass_mark == 100
    for mark in (-1, 101):
        error = refused(Rubric, DEFAULT_RUBRIC.criteria, mark)
        assert error.field == "pass_mark"
        assert str(error) == "pass mark must lie in 0…100"


# ---------------------------------------------------------------- weights

def test_a_zero_weight_is_refused_even_when_the_weights_add_up_to_100() -> None:
    error = refused(Rubric, (Criterion("a", 100), Criterion("b", 0)))
    assert error.field == "rubric"
    assert str(error) == "rubric weights must be positive and add up to 100, got 100"


def test_a_negative_weight_is_refused() -> None:
    error = refused(Rubric, (Criterion("a", 110), Criterion("b", -10)))
    assert error.field == "rubric" and str(error).endswith("got 100")


def test_a_one_percent_weight_is_fine() -> None:
    rubric = Rubric((Criterion("a", 1), Criterion("b", 99)))
    assert rubric.weights() == {"a": 1, "b": 99}


@pytest.mark.parametrize("weights, got", [((50, 49), 99), ((50, 51), 101), ((100, 1), 101)])
def test_weights_must_add_up_to_exactly_100(weights: tuple[int, int], got: int) -> None:
    error = refused(Rubric, (Criterion("a", weights[0]), Criterion("b", weights[1])))
    assert error.field == "rubric"
    assert str(error) == f"rubric weights must be positive and add up to 100, got {got}"


def test_criteria_names_must_be_distinct() -> None:
    error = refused(Rubric, (Criterion("a", 50), Criterion("a", 50)))
    assert error.field == "rubric" and str(error) == "rubric criteria must have distinct names"


def test_keys_and_weights_keep_the_rubrics_order() -> None:
    assert DEFAULT_RUBRIC.keys == ("completeness", "accuracy", "executability", "innovation")
    assert list(DEFAULT_RUBRIC.weights()) == list(DEFAULT_RUBRIC.keys)


# ---------------------------------------------------------------- scores 1…5

def test_scores_1_and_5_are_valid_0_and_6_are_refused_naming_the_criterion() -> None:
    check_scores(DEFAULT_RUBRIC, dict.fromkeys(DEFAULT_RUBRIC.keys, 1))
    check_scores(DEFAULT_RUBRIC, dict.fromkeys(DEFAULT_RUBRIC.keys, 5))
    for value in (0, 6):
        error = refused(total, DEFAULT_RUBRIC, EXAMPLE | {"accuracy": value})
        assert error.field == "accuracy"
        assert str(error) == f"accuracy must be a whole score from 1 to 5, got {value}"


@pytest.mark.parametrize("value", [True, 4.0, "4"])
def test_a_score_must_be_a_whole_number_not_a_bool_or_float_or_text(value: object) -> None:
    error = refused(check_scores, DEFAULT_RUBRIC, EXAMPLE | {"innovation": value})
    assert error.field == "innovation"
    assert str(error) == f"innovation must be a whole score from 1 to 5, got {value!r}"


def test_an_unknown_criterion_is_named_with_the_expected_ones() -> None:
    error = refused(check_scores, DEFAULT_RUBRIC, EXAMPLE | {"style": 2})
    assert error.field == "style"
    assert str(error) == "unknown criterion 'style'; expected completeness, accuracy, executability, innovation"


def test_a_missing_score_names_the_criterion() -> None:
    error = refused(check_scores, DEFAULT_RUBRIC, {k: v for k, v in EXAMPLE.items() if k != "executability"})
    assert error.field == "executability" and str(error) == "missing a score for executability"


def test_an_unknown_criterion_is_reported_before_a_missing_one() -> None:
    assert refused(check_scores, DEFAULT_RUBRIC, {"style": 2}).field == "style"


# ---------------------------------------------------------------- the total, rounded half up

def test_totals_round_to_the_nearest_whole_point() -> None:
    # weights 1 % and 99 %: Σ(weight × score) / 5 = (a + 99 b) / 5 — fractions .2, .4, .6, .8.
    rubric = Rubric((Criterion("a", 1), Criterion("b", 99)))
    assert [total(rubric, {"a": a, "b": 1}) for a in (1, 2, 3, 4, 5)] == [20, 20, 20, 21, 21]
    assert total(rubric, {"a": 1, "b": 2}) == 40  # 199 / 5 = 39.8
    assert total(DEFAULT_RUBRIC, EXAMPLE) == 78  # the article's 4, 5, 3, 3 (exactly 78)


def test_total_checks_the_scores_first() -> None:
    assert refused(total, DEFAULT_RUBRIC, {}).field == "completeness"


# ---------------------------------------------------------------- settings.acceptance

def test_empty_settings_mean_the_default_rubric() -> None:
    assert rubric_from_settings({}) is DEFAULT_RUBRIC
    assert rubric_from_settings(None) is DEFAULT_RUBRIC


def test_a_pass_mark_alone_keeps_the_articles_criteria() -> None:
    rubric = rubric_from_settings({"pass_mark": 70})
    assert rubric.criteria == DEFAULT_RUBRIC.criteria and rubric.pass_mark == 70
    assert rubric_from_settings({"rubric": {}, "pass_mark": 50}).criteria == DEFAULT_RUBRIC.criteria
    assert rubric_from_settings({"rubric": {"a": 100}}).pass_mark == 60


def test_settings_names_become_criteria_in_order() -> None:
    rubric = rubric_from_settings({"rubric": {"quality": 60, "speed": 40}})
    assert rubric.criteria == (Criterion("quality", 60), Criterion("speed", 40))
    assert rubric_from_settings({"rubric": {7: 100}}).keys == ("7",)


@pytest.mark.parametrize("table", [["a", 100], {"a": 50.0, "b": 50}, {"a": "100"}])
def test_a_rubric_table_that_is_not_names_to_whole_percents_is_refused(table: object) -> None:
    error = refused(rubric_from_settings, {"rubric": table})
    assert error.field == "rubric"
    assert str(error) == "settings.acceptance.rubric must map names to whole percents"


@pytest.mark.parametrize("mark", [60.0, "60", None])
def test_a_pass_mark_that_is_not_whole_is_refused(mark: object) -> None:
    error = refused(rubric_from_settings, {"pass_mark": mark})
    assert error.field == "pass_mark"
    assert str(error) == "settings.acceptance.pass_mark must be a whole number"


def test_settings_weights_are_checked_like_any_rubric() -> None:
    error = refused(rubric_from_settings, {"rubric": {"a": 50, "b": 40}})
    assert error.field == "rubric" and str(error).endswith("got 90")
    assert refused(rubric_from_settings, {"pass_mark": 101}).field == "pass_mark"


# ---------------------------------------------------------------- parsing the command line

def test_every_chinese_name_is_an_alias() -> None:
    assert ALIASES == {"完整性": "completeness", "准确性": "accuracy", "可执行性": "executability",
                       "创新性": "innovation"}
    assert parse_scores("完整性=4,准确性=5,可执行性=3,创新性=3") == EXAMPLE


def test_separators_full_width_and_ascii_and_spaces() -> None:
    assert parse_scores("完整性：4，准确性:5, executability = 3 ,innovation=3,") == EXAMPLE
    assert parse_scores("Completeness=4") == {"completeness": 4}
    assert parse_scores("completeness=4,,accuracy=5") == {"completeness": 4, "accuracy": 5}  # an empty part is skipped


def test_a_negative_score_parses_so_the_rubric_can_refuse_it_by_name() -> None:
    assert parse_scores("accuracy=-1") == {"accuracy": -1}
    assert refused(total, DEFAULT_RUBRIC, EXAMPLE | parse_scores("accuracy=-1")).field == "accuracy"


@pytest.mark.parametrize("text, field, message", [
    ("completeness", "completeness", "expected name=score, got 'completeness'"),
    ("completeness=x", "completeness", "expected name=score, got 'completeness=x'"),
    ("accuracy=X4", "accuracy", "expected name=score, got 'accuracy=X4'"),
    (" accuracy=  ", "accuracy", "expected name=score, got 'accuracy='"),
    ("=x", "score", "expected name=score, got '=x'"),
    ("accuracy=4,accuracy=5", "accuracy", "accuracy is scored twice"),
    ("准确性=4,accuracy=5", "accuracy", "accuracy is scored twice"),
    ("", "score", "no scores given"),
    (" , ，", "score", "no scores given"),
])
def test_parse_errors_name_the_field_and_say_why(text: str, field: str, message: str) -> None:
    error = refused(parse_scores, text)
    assert error.field == field and str(error) == message


def test_submission_kinds_are_the_stored_values() -> None:
    assert [kind.value for kind in SubmissionKind] == ["draft", "partial", "final"]
