"""Defaults of a local function that read the enclosing method's variables
(`def markup(p, *, flex=tier is Tier.FLEX)` in `run()`), found before the function is hoisted.

Python evaluates such a default once, where the `def` runs; `local_functions` evaluates it
there into a hidden variable and passes that for the parameter to each call that leaves it
out, the helper's own default being a placeholder no call uses. A function also used as a
value (`lower.cells`) takes each hidden variable as a keyword-only parameter instead, which its
value carries and the parameter defaults to: the runtime evaluates a default in the frame's
bound arguments. This module only finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from waymark_compiler.walk import children


@dataclass(frozen=True, slots=True)
class Default:
    """A parameter default that reads the enclosing method's variables: evaluated where the
    `def` runs, into `hidden`, which a call passes for the parameter when it does not."""

    param: str
    hidden: str
    position: int | None  # its index among the positional parameters (None: keyword-only)
    value: cst.BaseExpression


def computed_defaults(
    definition: cst.FunctionDef, helper: str, bound: frozenset[str], name: Callable[[str], str]
) -> tuple[Default, ...]:
    """The defaults of `definition` that read a variable of the method (`flex=tier is
    Tier.FLEX`), in the order Python evaluates them: positional parameters, then keyword-only.
    A positional-only parameter's is left to the constant-default check, which refuses it."""
    params = definition.params
    positional = [(p, i) for i, p in enumerate(params.params)]
    found = []
    for param, position in [*positional, *((p, None) for p in params.kwonly_params)]:
        if param.default is not None and _reads(param.default, bound):
            hidden = name(f"_wm_default_{helper}_{param.name.value}")
            found.append(Default(param.name.value, hidden, position, param.default))
    return tuple(found)


def _reads(node: cst.CSTNode, names: frozenset[str]) -> bool:
    """Does an expression read one of `names` (not as an attribute or a keyword)?"""
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Attribute):
        return _reads(node.value, names)
    if isinstance(node, cst.Arg):
        return _reads(node.value, names)
    return any(_reads(child, names) for child in children(node))


def with_placeholders(
    params: Sequence[cst.Param], passed: dict[str, str | None]
) -> list[cst.Param]:
    """`params`, those in `passed` defaulting to the hidden parameter it maps them to (of a
    function used as a value, whose value carries the default evaluated at its `def`), or to
    a placeholder `None` (each call passes them)."""
    return [
        p.with_changes(default=cst.Name(passed[p.name.value] or "None"))
        if p.name.value in passed
        else p
        for p in params
    ]
