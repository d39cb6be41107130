"""`"template {}".format(...)` on a string literal, lowered to the f-string it means.

CPython's own template parser (`string.Formatter.parse`) splits the literal; each replacement
field becomes a formatted value of the argument it names, with its `.attr` / `[key]` lookups,
conversion and (nested) format spec. The arguments must be names or constants, each used: then
evaluating them where the fields stand is the same as evaluating them all first, as
`str.format` does. Anything else (a template that is not a literal, `*args`, an unused or
computed argument, a malformed template) is a method call the runtime formats
(`waymark_runtime/interpreter/formatting.py`), with Python's results and errors.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.names import is_special
from waymark_compiler.rules.expressions import STRING_FORMATTING
from waymark_runtime import ir

_LOOKUP = re.compile(r"\.([^.\[]+)|\[([^\]]+)\]")
_CONVERSIONS: dict[str | None, Literal["s", "r", "a"] | None] = {
    None: None,
    "s": "s",
    "r": "r",
    "a": "a",
}


class _Refused(Exception):
    """The call cannot be lowered to an f-string; the message says why. `final`: nor can it
    run (a field reads a special attribute)."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


@dataclass(slots=True)
class _Arguments:
    positional: list[ir.Expr]
    keywords: dict[str, ir.Expr]
    span: ir.Span
    auto: int | None = 0  # the next automatic field number; None once numbered by hand
    used: set[int | str] = field(default_factory=set)

    def get(self, name: str) -> ir.Expr:
        if name == "":
            if self.auto is None:
                raise _Refused("switches from manual to automatic field numbering")
            index: int | str = self.auto
            self.auto += 1
        elif name.isdigit():
            if self.auto not in (0, None):
                raise _Refused("switches from automatic to manual field numbering")
            self.auto = None
            index = int(name)
        else:
            index = name
        self.used.add(index)
        if isinstance(index, int):
            if index >= len(self.positional):
                raise _Refused(f"has no positional argument {index}")
            return self.positional[index]
        if index not in self.keywords:
            raise _Refused(f"has no keyword argument `{index}`")
        return self.keywords[index]


def format_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`format(value)` and `format(value, spec)`: the f-string `f"{value:{spec}}"`, under the
    same guards on widths and precisions."""
    args = node.args
    if not 1 <= len(args) <= 2 or any(a.star or a.keyword is not None for a in args):
        help = "write `format(value, spec)` with a value and at most a spec, or an f-string"
        message = "`format` with these arguments"
        return ctx.error(STRING_FORMATTING, node, message, "unsupported form", help)
    span = ctx.span(node)
    spec = None
    if len(args) == 2:
        given = ir.FormattedValue(
            value=lower_expr(args[1].value, ctx), conversion=None, spec=None, span=span
        )
        spec = ir.FString(parts=(given,), span=span)
    value = lower_expr(args[0].value, ctx)
    field = ir.FormattedValue(value=value, conversion=None, spec=spec, span=span)
    return ir.FString(parts=(field,), span=span)


def lower_format(node: cst.Call, template: str, ctx: Ctx) -> ir.Expr | None:
    """The f-string a literal template's `.format(...)` means, or None when it cannot be
    written as one (the runtime then formats it: `interpreter/formatting.py`)."""
    if not all(_plain_argument(arg) for arg in node.args):
        return None
    reported = len(ctx.sink.items)
    try:
        arguments = _arguments(node, ctx)
        parts = _template(template, arguments, 0)
        every = set(range(len(arguments.positional))) | set(arguments.keywords)
        if every - arguments.used:
            raise _Refused("has an argument no field uses")
    except _Refused as refused:
        del ctx.sink.items[reported:]  # the caller lowers the arguments again
        if not refused.final:
            return None
        help = "format the value's own fields: `'{0.name}'`"
        message = f"`str.format` call that {refused}"
        return ctx.error(STRING_FORMATTING, node, message, "special attribute", help)
    return ir.FString(parts=parts, span=ctx.span(node))


def _plain_argument(arg: cst.Arg) -> bool:
    """A name, a dotted name or a literal, not unpacked: lowering it has no effect, so the
    caller may lower it again when the template cannot become an f-string."""
    value = arg.value
    while isinstance(value, cst.Attribute):
        value = value.value
    return not arg.star and isinstance(
        value, cst.Name | cst.SimpleString | cst.Integer | cst.Float | cst.ConcatenatedString
    )


def _arguments(node: cst.Call, ctx: Ctx) -> _Arguments:
    positional: list[ir.Expr] = []
    keywords: dict[str, ir.Expr] = {}
    for arg in node.args:
        if arg.star:
            raise _Refused("unpacks its arguments")
        value = lower_expr(arg.value, ctx)
        if not isinstance(value, ir.Name | ir.Const | ir.EnumMember):
            raise _Refused("formats a computed value (bind it to a name first)")
        if arg.keyword is None:
            positional.append(value)
        else:
            keywords[arg.keyword.value] = value
    return _Arguments(positional, keywords, ctx.span(node))


def _template(
    template: str, arguments: _Arguments, depth: int
) -> tuple[str | ir.FormattedValue, ...]:
    if depth > 1:
        raise _Refused("nests format specs too deeply")
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as error:
        raise _Refused(f"has a malformed template ({error})") from None
    parts: list[str | ir.FormattedValue] = []
    for literal, name, spec, conversion in fields:
        if literal:
            parts.append(literal)
        if name is None:
            continue
        value = _field(name, arguments)
        spec_parts = _template(spec, arguments, depth + 1) if spec else ()
        if conversion not in _CONVERSIONS:
            raise _Refused(f"has an unknown conversion `!{conversion}`")
        parts.append(
            ir.FormattedValue(
                value=value,
                conversion=_CONVERSIONS[conversion],
                spec=ir.FString(parts=spec_parts, span=arguments.span) if spec else None,
                span=arguments.span,
            )
        )
    return tuple(parts)


def _field(name: str, arguments: _Arguments) -> ir.Expr:
    """`0`, `name`, `0.attr`, `name[key]`: the argument, then each lookup in order."""
    first = re.match(r"[^.\[]*", name)
    assert first is not None
    value = arguments.get(first.group())
    rest = name[first.end() :]
    position = 0
    for match in _LOOKUP.finditer(rest):
        if match.start() != position:
            raise _Refused(f"has a malformed field `{name}`")
        position = match.end()
        attribute, key = match.groups()
        if attribute is not None and is_special(attribute):
            raise _Refused(f"reads special attribute `{attribute}`", final=True)
        if attribute is not None:
            value = ir.Attribute(value=value, attr=attribute, span=arguments.span)
        else:
            index = int(key) if key.isdigit() else key
            value = ir.Subscript(value=value, index=ir.Const(value=index), span=arguments.span)
    if position != len(rest):
        raise _Refused(f"has a malformed field `{name}`")
    return value
