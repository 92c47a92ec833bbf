"""Cross-field validation expressions over indicator codes, parsed safely (never eval).

    ATTENDED <= MEMBERS
    PCT_ATTEND <= 100
    SESSIONS > 0 or NO_STUDY
    ONLINE_POINTS * 2 <= SESSIONS + 10 and not (PARTICIPANTS < 0)

The text is parsed with ast.parse(mode="eval") and every node is checked against a short whitelist:
boolean and/or/not, comparisons (chains allowed), + - * /, unary minus, indicator names, numbers and
True/False. Calls, attributes, subscripts, lambdas, strings and everything else are refused. The
evaluator walks the same tree itself with Decimal arithmetic.

Values: a missing (empty) indicator makes the whole rule skipped (None); "not applicable" counts as 0
(numbers) or False (yes/no); division by zero also skips the rule.
"""
from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 500
MAX_NODES = 200
NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")

MISSING = object()  # a value that is empty: the rule is skipped

_COMPARE = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd,
    ast.Not, ast.Name, ast.Load, ast.Constant, *_COMPARE, *_BINARY,
)


class ExpressionError(ValueError):
    """The expression cannot be used; str(error) is a message for the administrator."""


class _Skip(Exception):
    pass


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, values: dict) -> bool | None:
        """True / False; None when the rule cannot be evaluated (a missing value, division by zero)."""
        try:
            return bool(_eval(self.tree.body, values))
        except _Skip:
            return None


def _normalise(text: str) -> str:
    text = (text or "").strip().replace("≤", "<=").replace("≥", ">=").replace("≠", "!=")
    text = re.sub(r"\bAND\b", "and", text)
    text = re.sub(r"\bOR\b", "or", text)
    text = re.sub(r"\bNOT\b", "not", text)
    # A single "=" written by an administrator means equality.
    return re.sub(r"(?<![<>!=])=(?!=)", "==", text)


def parse(text: str, allowed_names: set[str] | frozenset[str] | None = None) -> Expression:
    """Parse and check `text`; with allowed_names every name must be one of them (indicator codes)."""
    source = _normalise(text)
    if not source:
        raise ExpressionError(_("The expression is empty."))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(_("The expression is too long (at most %(n)s characters).") % {"n": MAX_LENGTH})
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise ExpressionError(_("The expression is not well formed: %(text)s") % {"text": text})
    names: set[str] = set()
    count = 0
    for node in ast.walk(tree):
        count += 1
        if not isinstance(node, _ALLOWED):
            raise ExpressionError(
                _("The expression may only use indicator codes, numbers, + - * /, comparisons and and/or/not "
                  "(not allowed: %(what)s).") % {"what": type(node).__name__}
            )
        if isinstance(node, ast.Constant) and (
            not isinstance(node.value, int | float | bool) or isinstance(node.value, complex)
        ):
            raise ExpressionError(_("Only numbers may be written as constants."))
        if isinstance(node, ast.Name):
            if not NAME_RE.match(node.id):
                raise ExpressionError(
                    _("%(name)s is not an indicator code (capital letters, digits and _).") % {"name": node.id}
                )
            names.add(node.id)
    if count > MAX_NODES:
        raise ExpressionError(_("The expression is too complex."))
    if allowed_names is not None:
        unknown = sorted(names - set(allowed_names))
        if unknown:
            raise ExpressionError(
                _("Unknown indicator code(s) in this form: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    return Expression(text=text, tree=tree, names=frozenset(names))


def _number(value):
    if value is MISSING or value is None:
        raise _Skip
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise _Skip


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, bool) else Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return _number(values.get(node.id, MISSING))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Div) and right == 0:
            raise _Skip
        return _BINARY[type(node.op)](Decimal(left), Decimal(right))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, values)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        # Every operand is evaluated so that a missing value anywhere skips the rule.
        results = [bool(_eval(v, values)) for v in node.values]
        return all(results) if isinstance(node.op, ast.And) else any(results)
    raise ExpressionError(type(node).__name__)  # unreachable: parse() refused it
