from decimal import Decimal

import pytest

from tuyengiao.reporting import expressions as E

CODES = {"ATTENDED", "MEMBERS", "PCT_ATTEND", "SESSIONS", "NO_STUDY"}


@pytest.mark.parametrize("text,values,expected", [
    ("ATTENDED <= MEMBERS", {"ATTENDED": 5, "MEMBERS": 10}, True),
    ("ATTENDED <= MEMBERS", {"ATTENDED": 11, "MEMBERS": 10}, False),
    ("PCT_ATTEND <= 100", {"PCT_ATTEND": Decimal("97.5")}, True),
    ("SESSIONS > 0 or NO_STUDY", {"SESSIONS": 0, "NO_STUDY": True}, True),
    ("SESSIONS > 0 or NO_STUDY", {"SESSIONS": 0, "NO_STUDY": False}, False),
    ("SESSIONS > 0 and not NO_STUDY", {"SESSIONS": 2, "NO_STUDY": False}, True),
    ("0 <= PCT_ATTEND <= 100", {"PCT_ATTEND": 101}, False),
    ("ATTENDED * 100 / MEMBERS = PCT_ATTEND", {"ATTENDED": 3, "MEMBERS": 4, "PCT_ATTEND": 75}, True),
    ("ATTENDED ≤ MEMBERS AND -SESSIONS < 1", {"ATTENDED": 1, "MEMBERS": 2, "SESSIONS": 3}, True),
    ("(ATTENDED + 1) - 2 >= 0.5", {"ATTENDED": 2}, True),
])
def test_evaluates(text, values, expected):
    assert E.parse(text, CODES).evaluate(values) is expected


def test_missing_value_skips_the_rule():
    expr = E.parse("ATTENDED <= MEMBERS", CODES)
    assert expr.evaluate({"ATTENDED": 5}) is None
    assert expr.evaluate({"ATTENDED": 5, "MEMBERS": E.MISSING}) is None
    assert expr.evaluate({"ATTENDED": 0, "MEMBERS": 0}) is True  # 0 is a value, not missing


def test_division_by_zero_skips():
    assert E.parse("ATTENDED / MEMBERS < 1", CODES).evaluate({"ATTENDED": 1, "MEMBERS": 0}) is None


def test_names_are_collected_and_checked():
    assert E.parse("ATTENDED <= MEMBERS", CODES).names == {"ATTENDED", "MEMBERS"}
    with pytest.raises(E.ExpressionError, match="UNKNOWN"):
        E.parse("UNKNOWN <= MEMBERS", CODES)


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hi')",
    "MEMBERS.__class__",
    "MEMBERS.real > 0",
    "abs(MEMBERS) > 0",
    "MEMBERS[0] > 1",
    "'a' == 'a'",
    "lambda: 1",
    "[x for x in MEMBERS]",
    "MEMBERS ** 1000000",
    "MEMBERS if ATTENDED else 1",
    "MEMBERS := 3",
    "members > 0",  # not an indicator code
    "",
    "ATTENDED <",
    "ATTENDED in MEMBERS",
])
def test_forbidden_syntax(text):
    with pytest.raises(E.ExpressionError):
        E.parse(text, CODES)


def test_too_long():
    with pytest.raises(E.ExpressionError):
        E.parse(" + ".join(["MEMBERS"] * 200) + " > 0", CODES)
