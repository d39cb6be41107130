"""String literals and f-strings lower to exactly what CPython evaluates them to.

Each case compiles `value = <literal>` and rebuilds the value from the IR (text parts verbatim,
formatted values through `format` after their conversion); CPython's own evaluation is the oracle.
"""

from __future__ import annotations

from typing import Any

import pytest

from waymark_compiler.api import compile_source
from waymark_runtime import ir

VALUES: dict[str, Any] = {"name": "Ada", "amount": 3.14159, "width": 8, "items": [1, "two"]}

CASES = [
    '"plain"',
    "'it''s' \"joined\"",
    r'"tab\there\nnewline \u00e9 \x41 \\ backslash"',
    r'r"raw \d+ \n"',
    'f"hello {name}"',
    'f"{name!r} {name!s} {name!a} {items!r}"',
    'f"{amount:.2f}|{amount:>10}|{amount:{width}.{width}f}|{name:^{width}}"',
    'f"{amount=} {name = !s} {width=:>4} {items = }"',
    'f"{{braces}} {{{name}}} }}"',
    r'f"esc\t{name}\n\u00e9"',
    r'rf"\d+{name}\n"',
    r'fr"{name}\t"',
    'f""',
    'f\'{"nested" if width > 1 else "no"}\'',
    '"prefix " f"{name}" " suffix " f"{width:03d}"',
    '"""triple\nquoted"""',
    'f"""multi\n{name}\nline"""',
    "f'{items[0]}-{items[1].upper()}'",
    # a text part ending with (or holding) the quote of a triple-quoted f-string
    "f'''don'{name}'''",
    'f"""say "{name}" """',
    r'f"""say "{name}\""""',
    "f'''a'b'{name}'c'''",
    r"f'''\'''{name}'''",
    "f'''''{name}'''''",
    r"""f'''\N{BULLET}'{name}'''""",
    # named escapes: in the text, in a format spec (where libcst alone reads a field), any case
    r'f"\N{BULLET} {name} \N{LATIN SMALL LETTER E WITH ACUTE}"',
    r'f"{amount:\N{BULLET}>10}"',
    r"f'{name:\N{EM DASH}^{width}}|{amount:{width}}\N{bullet}'",
    r"f'{name!s:\N{HYPHEN-MINUS}<9}|{items!r:\N{LINE FEED}>{width}}'",
    r"rf'\N{name}' f'\N{BULLET}{name}' '\N{BULLET}'",
    r"f'\\N{name}|\\\N{BULLET}|{name:\\<{width}}'",
    # invalid escapes kept as written, a backslash before a field, octal and control escapes
    r"f'\{name}\d{width}\\{amount}\777\0\a\b\f\v'",
    "f'a\\\nb{name}'",
    "f'{ name = !r:>{ width }}|{amount = :.1f}|{amount:=10}|{name!r:}'",
    "f\"{'}'}{'{'}{name:{'*'}^{width}}{{{{}}}}\"",
]


def _rebuild(expr: ir.Expr) -> Any:
    if isinstance(expr, ir.Const):
        return expr.value
    assert isinstance(expr, ir.FString), expr
    return "".join(p if isinstance(p, str) else _format(p) for p in expr.parts)


def _format(part: ir.FormattedValue) -> str:
    value = _value(part.value)
    converters = {"s": str, "r": repr, "a": ascii, None: lambda v: v}
    converted = converters[part.conversion](value)
    spec = "" if part.spec is None else _rebuild(part.spec)
    return format(converted, spec)


def _value(expr: ir.Expr) -> Any:
    """Just enough evaluation for the cases above."""
    if isinstance(expr, ir.Name):
        return VALUES[expr.id]
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.Subscript):
        return _value(expr.value)[_value(expr.index)]
    if isinstance(expr, ir.MethodCall):
        return getattr(_value(expr.obj), expr.method)()
    if isinstance(expr, ir.IfExp):
        return _value(expr.body) if _value(expr.test) else _value(expr.orelse)
    if isinstance(expr, ir.Compare):
        assert expr.ops == (">",)
        return _value(expr.left) > _value(expr.comparators[0])
    raise AssertionError(f"unexpected {expr!r}")


@pytest.mark.parametrize("literal", CASES)
def test_string_lowering_matches_cpython(literal: str) -> None:
    params = ", ".join(VALUES)
    source = (
        "from waymark import Workflow, workflow\n\n"
        "@workflow\n"
        "class Strings(Workflow):\n"
        f"    async def run(self, {params}) -> str:\n"
        f"        value = {literal}\n"
        "        return value\n"
    )
    result = compile_source(source, "strings.py", module="strings")
    assert not result.diagnostics, result.diagnostics
    assignment = result.workflows[0].program.run.body[0]
    assert isinstance(assignment, ir.Assign)
    assert _rebuild(assignment.value) == eval(literal, {}, dict(VALUES))
