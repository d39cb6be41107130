"""`self.x` in `run()` and its helper methods: an attribute the run sets on the workflow
object (`self.total = 0`, `self.total += x`, `self.seen.append(x)`), read and assigned on the
instance's workflow object, which the runtime keeps with the instance's state.

Constants of the class and of `__init__` are inlined where they are read (`large`,
`config`) and stay constants: assigning one, a helper's name or a special attribute is
refused here, as is any attribute of `cls` in a `@classmethod` (the class is shared).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.rules.workflow import SELF_MUTATION, SELF_READ
from waymark_runtime import ir
from waymark_runtime.interpreter.instance_self import SELF_STATE

# What `waymark.Workflow` and the class itself define: `self.log` is the workflow log, the
# others are methods (called, not read); none is the run's state.
WORKFLOW_NAMES = frozenset(
    {"run", "log", "run_action", "run_inline", "timeout", "visualize", "wait_for_signal",
     "workflow_name"}
)  # fmt: skip


def _special(attr: str) -> bool:
    return attr.startswith("__") and attr.endswith("__")


def _method(attr: str, ctx: Ctx) -> bool:
    return attr in ctx.helpers or attr in WORKFLOW_NAMES


def self_attribute(node: cst.Attribute, ctx: Ctx) -> ir.Expr:
    """A read of `self.x` that is no constant of the class and no helper."""
    attr = node.attr.value
    if ctx.function.on_class or _special(attr) or attr in WORKFLOW_NAMES:
        where = "the class body" if ctx.function.on_class else "the class body or `__init__`"
        help = f"set it to a constant in {where}, or pass it to `run()`"
        message = f"read of `{ctx.code(node)}`"
        return ctx.error(SELF_READ, node, message, "not a helper call", help)
    state = ir.Name(id=SELF_STATE, span=ctx.span(node.value))
    return ir.Attribute(value=state, attr=attr, span=ctx.span(node))


def self_target(node: cst.Attribute, ctx: Ctx) -> ir.Target:
    """`self.x = ...`: an attribute of the instance's workflow object."""
    attr, code = node.attr.value, ctx.code(node)
    if ctx.function.on_class:
        help = "keep the value in a local variable, or set it on `self` in an instance method"
        ctx.error(SELF_MUTATION, node, f"assignment to `{code}`", "shared by every instance", help)
    elif attr in ctx.config:
        help = (
            "the class sets it in its body or `__init__`: keep the run's state in another attribute"
        )
        message = f"assignment to `{code}`, an attribute of the class"
        ctx.error(SELF_MUTATION, node, message, "set by the class", help)
    elif _method(attr, ctx) or _special(attr):
        help = "use another attribute name"
        what = "a method" if _method(attr, ctx) else "a special attribute"
        ctx.error(SELF_MUTATION, node, f"assignment to `{code}`, {what}", "rebinds it", help)
    else:
        state = ir.Name(id=SELF_STATE, span=ctx.span(node.value))
        return ir.Attribute(value=state, attr=attr, span=ctx.span(node))
    return ir.Name(id=SELF_STATE, span=ctx.span(node))
