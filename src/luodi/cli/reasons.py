"""Why a value was refused, in the user's language (issue 15, point 6: one language at a time).

pydantic words its errors in English ("Input should be a valid integer…"). Its errors carry a
stable ``type`` and a ``ctx`` of values, so the reason is rewritten from those through the
catalogs rather than from the English text. Two places show them: a bad setting
(:func:`luodi.cli.context.settings`) and a bad command-line value, which typer checks with pydantic
(:mod:`luodi.cli.usage_errors`). luodi's own checks of the settings (``config.py``) raise
``PydanticCustomError`` with the types of :data:`luodi.config.CHECKS`, so they translate the same
way; their English sentence stays the error's ``msg`` for code that reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from luodi.config import CHECKS, PRODUCTION_PROBLEMS
from luodi.i18n import N_
from luodi.i18n import gettext as _

_WHOLE = N_("expected a whole number")
_NUMBER = N_("expected a number")
_BOOLEAN = N_("expected true or false (1/0, yes/no, on/off)")
_TIME = N_("expected a time of day such as 18:00")
_DATETIME = N_("expected a date and time such as 2026-09-26T16:10+08:00")
_DATE = N_("expected a date such as 2026-09-26")

_BUILT_IN: dict[str, str] = {
    "missing": N_("required"),
    "literal_error": N_("expected one of {expected}"),
    "enum": N_("expected one of {expected}"),
    "bool_parsing": _BOOLEAN, "bool_type": _BOOLEAN,
    "int_parsing": _WHOLE, "int_type": _WHOLE, "int_from_float": _WHOLE, "int_parsing_size": _WHOLE,
    "float_parsing": _NUMBER, "float_type": _NUMBER, "finite_number": _NUMBER,
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "string_type": N_("expected text"),
    "string_too_short": N_("must be at least {min_length} characters"),
    "string_too_long": N_("must be at most {max_length} characters"),
    "time_parsing": _TIME, "time_type": _TIME,
    "datetime_parsing": _DATETIME, "datetime_from_date_parsing": _DATETIME, "datetime_type": _DATETIME,
    "date_parsing": _DATE, "date_from_datetime_parsing": _DATE, "date_type": _DATE,
    "path_type": N_("expected a file path"),
    "url_parsing": N_("expected a URL such as https://luodi.example.com"),
    "json_invalid": N_("not valid JSON"),
    "extra_forbidden": N_("not a known setting"),
}


def _shown(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def reason(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a reason in the current language.

    A type luodi does not know keeps pydantic's English words, so nothing is ever hidden."""
    kind = str(error.get("type", ""))
    values = {key: _shown(value) for key, value in (error.get("ctx") or {}).items()}
    if isinstance(values.get("expected"), str):   # "'a', 'b' or 'c'": a list, not an English sentence
        values["expected"] = values["expected"].replace(" or ", ", ")
    if kind == "production_refused":
        # TRANSLATORS: between two reasons in one line
        return _(CHECKS[kind]).format(problems=_("; ").join(problems(values.get("codes", ()))))
    template = CHECKS.get(kind) or _BUILT_IN.get(kind)
    if template is None:
        return str(error.get("msg", "")).removeprefix("Value error, ")
    try:
        return _(template).format(**values)
    except (KeyError, IndexError, ValueError):  # a ctx without the value the sentence names
        return str(error.get("msg", "")).removeprefix("Value error, ")


def problems(found: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """LUODI_ENV=production's reasons, ``(key, values)`` pairs, in the current language."""
    return [_(PRODUCTION_PROBLEMS[key]).format(**values) for key, values in found]


def known_types() -> set[str]:
    """The pydantic error types worded here (the rest keep pydantic's English)."""
    return set(_BUILT_IN) | set(CHECKS)
