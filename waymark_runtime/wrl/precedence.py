"""Python's operator precedence table, as the `.wrl` printers and the DAG's labels use it.

`Prec` is a binding strength (loosest first); a printer puts parentheses around an operand that
binds more loosely than its place needs (`print_expr.operand`).
"""

from __future__ import annotations

from enum import IntEnum


class Prec(IntEnum):
    """Binding strength, loosest first (Python's precedence table)."""

    TEST = 1  # a if b else c
    OR = 2
    AND = 3
    NOT = 4
    COMPARE = 5
    BIT_OR = 6
    BIT_XOR = 7
    BIT_AND = 8
    SHIFT = 9
    ARITH = 10
    TERM = 11
    FACTOR = 12  # unary - + ~
    POWER = 13
    ATOM = 14  # names, literals, displays, calls, attributes, subscripts


BINARY_PRECEDENCE: dict[str, Prec] = {
    "|": Prec.BIT_OR,
    "^": Prec.BIT_XOR,
    "&": Prec.BIT_AND,
    "<<": Prec.SHIFT,
    ">>": Prec.SHIFT,
    "+": Prec.ARITH,
    "-": Prec.ARITH,
    "*": Prec.TERM,
    "/": Prec.TERM,
    "//": Prec.TERM,
    "%": Prec.TERM,
    "@": Prec.TERM,
    "**": Prec.POWER,
}


COMPARE_OPERATORS = frozenset(("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"))
