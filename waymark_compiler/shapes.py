"""What a piece of syntax is, read from its shape alone, without resolving a name: constant
literals (and the `Decimal` and `timedelta` literals among them), tables of constants, enum
members and their values, static methods. `resolve` and the lowering decide with these.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node

Leaf = Callable[[cst.BaseExpression], bool]


def is_constant_literal(node: cst.BaseExpression, member: Leaf | None = None) -> bool:
    """Immutable literals: numbers, strings, True/False/None, unary/binary ops, tuples and
    frozensets of them, `range`s of int literals, and `Decimal`, `timedelta`, `date`,
    `datetime` and `time` literals; with `member`, also what it accepts (the enum members
    `resolve` found) in a tuple or alone."""
    if member is not None and member(node):
        return True
    if isinstance(node, cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.ConcatenatedString):
        return is_constant_literal(node.left) and is_constant_literal(node.right)
    if isinstance(node, cst.UnaryOperation):
        return is_constant_literal(node.expression, member)
    if isinstance(node, cst.BinaryOperation):
        return is_constant_literal(node.left, member) and is_constant_literal(node.right, member)
    if isinstance(node, cst.Tuple):
        return _constant_elements(node, member)
    return (_is_frozenset(node) or value_literal(node) is not None or _is_range(node)
            or is_duration_literal(node, member) or is_pattern_literal(node)
            or moment_literal(node) is not None)  # fmt: skip


def _is_range(node: cst.BaseExpression) -> bool:
    """`range(0, 6)`: a range of one to three int literals."""
    if not isinstance(node, cst.Call) or get_full_name_for_node(node.func) != "range":
        return False
    plain = all(not a.star and a.keyword is None for a in node.args)
    ints = all(isinstance(_unsigned(a.value), cst.Integer) for a in node.args)
    return 1 <= len(node.args) <= 3 and plain and ints


def is_pattern_literal(node: cst.BaseExpression) -> bool:
    """`re.compile(r"^INV-(\\d+)$", re.IGNORECASE)`: a compiled pattern of a string literal,
    with flags that are `re`'s flag names (joined by `|`) or a number, as a keyword or not."""
    if not isinstance(node, cst.Call) or get_full_name_for_node(node.func) != "re.compile":
        return False
    if not 1 <= len(node.args) <= 2 or any(a.star for a in node.args):
        return False
    first, *rest = node.args
    text = first.value
    if first.keyword is not None or not isinstance(text, cst.SimpleString | cst.ConcatenatedString):
        return False
    flags = [a for a in rest if a.keyword is None or a.keyword.value == "flags"]
    return (
        is_constant_literal(text)
        and len(flags) == len(rest)
        and all(pattern_flags(a.value) is not None for a in flags)
    )


def pattern_flags(node: cst.BaseExpression) -> int | None:
    """The value of `re.IGNORECASE | re.M` (or a number), or None for any other expression."""
    if isinstance(node, cst.Integer):
        return int(ast.literal_eval(node.value))
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left, right = pattern_flags(node.left), pattern_flags(node.right)
        return None if left is None or right is None else left | right
    name = get_full_name_for_node(node) or ""
    module, _, flag = name.rpartition(".")
    return REGEX_FLAGS.get(flag) if module == "re" else None


REGEX_FLAGS = {name: int(flag) for name, flag in vars(re).items() if isinstance(flag, re.RegexFlag)}


TABLE_LIMIT = 256  # items: a table is built again wherever it is read


def table_size(node: cst.BaseExpression, member: Leaf | None = None) -> int:
    """The items of a dict, list or set display of constants (nested ones counted; `member`
    as in `is_constant_literal`), or more than `TABLE_LIMIT` when `node` is not one."""
    too_many = TABLE_LIMIT + 1
    if isinstance(node, cst.Dict):
        size = 0
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return too_many
            if not is_constant_literal(element.key, member):
                return too_many
            size += 1 + _item_size(element.value, member)
        return size
    if isinstance(node, cst.List | cst.Set):
        if not all(isinstance(e, cst.Element) for e in node.elements):
            return too_many
        return sum(1 + _item_size(e.value, member) for e in node.elements)
    if is_translation_literal(node):  # a dict too: one item per character it maps
        assert isinstance(node, cst.Call)
        return sum(1 + _item_size(a.value, member) for a in node.args)
    return too_many


def is_translation_literal(node: cst.BaseExpression) -> bool:
    """`str.maketrans({"\u2019": "'"})`, `str.maketrans("abc", "xyz", "-")`: the translation
    table of a dict of string literals (values a string or None) or of one to three string
    literals, as `str.translate` takes it; a dict, so a table (`resolve.ConstSym.table`)."""
    if not isinstance(node, cst.Call) or get_full_name_for_node(node.func) != "str.maketrans":
        return False
    if not 1 <= len(node.args) <= 3 or any(a.star or a.keyword for a in node.args):
        return False
    first = node.args[0].value
    if len(node.args) == 1 and isinstance(first, cst.Dict):
        return all(
            isinstance(e, cst.DictElement)
            and _is_text(e.key)
            and (_is_text(e.value) or (isinstance(e.value, cst.Name) and e.value.value == "None"))
            for e in first.elements
        )
    return len(node.args) > 1 and all(_is_text(a.value) for a in node.args)


def _is_text(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString | cst.ConcatenatedString) and is_constant_literal(node)


def _item_size(node: cst.BaseExpression, member: Leaf | None) -> int:
    return 0 if is_constant_literal(node, member) else table_size(node, member)


def is_duration_literal(node: cst.BaseExpression, member: Leaf | None = None) -> bool:
    """`timedelta(minutes=5)`, `datetime.timedelta(1, 30)`, `timedelta(hours=24 * 7)`: a
    `timedelta` of constant numbers (`member` as in `is_constant_literal`)."""
    if not isinstance(node, cst.Call):
        return False
    name = get_full_name_for_node(node.func) or ""
    if name != "timedelta" and not name.endswith(".timedelta"):
        return False
    return all(
        not arg.star
        and _is_number(arg.value, member)
        and (arg.keyword is None or arg.keyword.value in _DURATION_FIELDS)
        for arg in node.args
    )


def _is_number(node: cst.BaseExpression, member: Leaf | None) -> bool:
    """A number literal, or arithmetic on constants (`24 * 7`, `BASE * 60`)."""
    if isinstance(_unsigned(node), cst.Integer | cst.Float):
        return True
    return isinstance(node, cst.BinaryOperation) and is_constant_literal(node, member)


def moment_literal(node: cst.BaseExpression) -> str | None:
    """`date(2024, 12, 25)`, `datetime.datetime(2024, 1, 1, 9, 30)`, `time(hour=22)`: a naive
    date, datetime or time of int literals, as the function the runtime calls; else None."""
    if not isinstance(node, cst.Call):
        return None
    name = get_full_name_for_node(node.func) or ""
    kind = _MOMENTS.get(name.rpartition(".")[2])  # `date`, `datetime.date`, `dt.date`
    if kind is None or not node.args:
        return None
    fields = _MOMENT_FIELDS[kind]
    plain = all(
        not arg.star
        and isinstance(arg.value, cst.Integer)
        and (arg.keyword is None or arg.keyword.value in fields)
        for arg in node.args
    )
    return f"datetime.{kind}" if plain and len(node.args) <= len(fields) else None


_MOMENTS = {"date": "date", "datetime": "datetime", "time": "time"}
_MOMENT_FIELDS = {
    "date": ("year", "month", "day"),
    "datetime": ("year", "month", "day", "hour", "minute", "second", "microsecond"),
    "time": ("hour", "minute", "second", "microsecond"),
}


_DURATION_FIELDS = frozenset(
    ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
)


def _unsigned(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return node.expression
    return node


# The immutable values written as a class of the standard library called on one literal, by
# the spellings of the class: what the runtime calls, and the literals it takes.
_VALUE_LITERALS: dict[str, tuple[str, tuple[type[cst.BaseExpression], ...]]] = {
    "Decimal": ("decimal.Decimal", (cst.SimpleString, cst.Integer, cst.Float)),
    "decimal.Decimal": ("decimal.Decimal", (cst.SimpleString, cst.Integer, cst.Float)),
    "UUID": ("uuid.UUID", (cst.SimpleString,)),
    "uuid.UUID": ("uuid.UUID", (cst.SimpleString,)),
    "Template": ("string.Template", (cst.SimpleString, cst.ConcatenatedString)),
    "string.Template": ("string.Template", (cst.SimpleString, cst.ConcatenatedString)),
}


def value_literal(node: cst.BaseExpression) -> str | None:
    """`Decimal("0.01")`, `decimal.Decimal(5)`, `UUID("6ba7b810-...")`, `Template("Hi $name")`:
    a value of a string or number literal (immutable, as money constants, defaults, id
    namespaces and message templates are written),
    as the function the runtime calls to build it; else None."""
    if not isinstance(node, cst.Call) or len(node.args) != 1 or node.args[0].keyword:
        return None
    found = _VALUE_LITERALS.get(get_full_name_for_node(node.func) or "")
    if found is None or not isinstance(node.args[0].value, found[1]):
        return None
    return found[0]


def _constant_elements(node: cst.Tuple | cst.List | cst.Set, member: Leaf | None = None) -> bool:
    return all(
        isinstance(e, cst.Element) and is_constant_literal(e.value, member) for e in node.elements
    )


def _is_frozenset(node: cst.BaseExpression) -> bool:
    """`frozenset()`, `frozenset({"a", "b"})`, `frozenset(("a", "b"))`: immutable too."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)):
        return False
    if node.func.value != "frozenset" or len(node.args) > 1:
        return False
    if not node.args:
        return True
    arg = node.args[0]
    items = arg.value
    plain = arg.keyword is None and not arg.star
    return plain and isinstance(items, cst.Tuple | cst.List | cst.Set) and _constant_elements(items)


def body_assignments(
    node: cst.ClassDef,
) -> Iterator[tuple[cst.BaseAssignTargetExpression, cst.BaseExpression]]:
    """Each `target = value` (and annotated `target: T = value`) of a class body, in order."""
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                yield small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                yield small.target, small.value


def enum_values(node: cst.ClassDef) -> dict[str, cst.BaseExpression] | None:
    """Each member of an enum class body with its value, when every value is a constant
    literal or an `auto()` whose value Python's own rule gives (`_auto_value`); None otherwise
    (computed values, an `auto()` of a class with a mixin or its own rule)."""
    values: dict[str, cst.BaseExpression] = {}
    flavour = _auto_flavour(node)
    for target, value in body_assignments(node):
        name = get_full_name_for_node(target) or ""
        if not name or (name.startswith("_") and name.endswith("_")):
            continue
        if _is_auto(value):
            made = _auto_value(flavour, name, list(values.values()))
            if made is None:
                return None
            value = made
        if not is_constant_literal(value):
            return None
        values[name] = value
    return values


# The enum bases whose `auto()` values are Python's standard rule: ints counting up from 1
# (`Enum`, `IntEnum`), powers of two (`Flag`, `IntFlag`), the lowercased name (`StrEnum`).
_AUTO_FLAVOURS = {"Enum": "int", "IntEnum": "int", "Flag": "bit", "IntFlag": "bit",
                  "StrEnum": "name"}  # fmt: skip


def _auto_flavour(node: cst.ClassDef) -> str | None:
    """How `auto()` numbers the members of `node`; None for a class that defines its own
    `_generate_next_value_` or has other bases (a mixin, a user enum)."""
    bases = [b.value for b in node.bases if b.keyword is None]
    names = [get_full_name_for_node(b) or "" for b in bases]
    if len(names) != 1 or any(
        isinstance(s, cst.FunctionDef) and s.name.value == "_generate_next_value_"
        for s in node.body.body
    ):
        return None
    return _AUTO_FLAVOURS.get(names[0].rpartition(".")[2])


def _is_auto(value: cst.BaseExpression) -> bool:
    if not isinstance(value, cst.Call) or value.args:
        return False
    return (get_full_name_for_node(value.func) or "").rpartition(".")[2] == "auto"


def _auto_value(
    flavour: str | None, name: str, earlier: list[cst.BaseExpression]
) -> cst.BaseExpression | None:
    """The value Python gives the member `name` written `auto()` after the `earlier` values
    (None where the rule would need more than plain ints: a warning's fallback, other values)."""
    if flavour == "name":
        return cst.SimpleString(repr(name.lower()))
    last: list[Any] = []
    for value in earlier:
        try:
            last.append(ast.literal_eval(_CODE.code_for_node(value)))
        except (ValueError, TypeError, SyntaxError):
            return None
    if any(type(v) is not int for v in last) or flavour is None:
        return None
    if not last:
        return cst.Integer("1")
    if flavour == "bit":
        return cst.Integer(str(2 ** max(last).bit_length()) if max(last) >= 0 else "1")
    return cst.Integer(str(last[-1] + 1)) if last[-1] == max(last) else None


def enum_aliases(node: cst.ClassDef) -> dict[str, str]:
    """Each alias of an enum class (a member whose literal value an earlier member has) with the
    name of that earlier, canonical member: Python's `Color.CRIMSON` is `Color.RED`, and
    iterating the class skips it."""
    first: dict[Any, str] = {}
    aliases: dict[str, str] = {}
    for name, value in (enum_values(node) or {}).items():
        try:
            key = ast.literal_eval(_CODE.code_for_node(value))
            canonical = first.setdefault(key, name)
        except (ValueError, TypeError, SyntaxError):  # unhashable or not a plain literal
            continue
        if canonical != name:
            aliases[name] = canonical
    return aliases


_CODE = cst.Module(body=[])


def enum_members(node: cst.ClassDef) -> tuple[str, ...]:
    """Member names of an enum class body (assignments of non-dunder, non-sunder names)."""
    names: list[str] = []
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                names += [get_full_name_for_node(t.target) or "" for t in small.targets]
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                names.append(get_full_name_for_node(small.target) or "")
    return tuple(n for n in names if n and not (n.startswith("_") and n.endswith("_")))


def is_static_method(node: cst.FunctionDef) -> bool:
    """A `@staticmethod` (its only decorator): a workflow helper without `self`."""
    return [get_full_name_for_node(d.decorator) for d in node.decorators] == ["staticmethod"]


def is_class_method(node: cst.FunctionDef) -> bool:
    """A `@classmethod` (its only decorator): a workflow helper whose first parameter is the
    class, which reads its constants and calls its other class-level helpers."""
    return [get_full_name_for_node(d.decorator) for d in node.decorators] == ["classmethod"]


def is_class_level(node: cst.FunctionDef) -> bool:
    """A helper callable on the class itself: a `@staticmethod` or a `@classmethod`."""
    return is_static_method(node) or is_class_method(node)
