"""The mypy plugin of waymark: `plugins = ["waymark.mypy"]` in a project's mypy configuration.

`@workflow` wraps `run()` so that a call also takes `_blocking`, `_priority`, `_idempotency_key`
and `_timeout`, which a class's own `async def run(self, ...)` does not declare. For every class
derived from `Workflow`, the plugin adds them as keyword-only parameters to `run()`'s signature, and types the result of
`run(..., _blocking=False)` as the instance id (`str`) instead of `run()`'s return type. Only
mypy imports this module.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import ARG_NAMED_OPT, ARG_STAR2, NameExpr
from mypy.plugin import MethodContext, MethodSigContext, Plugin
from mypy.types import CallableType, Instance, NoneType, Type, UnionType, get_proper_type

WORKFLOW = "waymark_runtime.workflows.Workflow"
OPTIONS = ("_blocking", "_priority", "_idempotency_key", "_timeout")


class WaymarkPlugin(Plugin):
    def get_method_signature_hook(
        self, fullname: str
    ) -> Callable[[MethodSigContext], CallableType] | None:
        return _run_signature if fullname.endswith(".run") else None

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _run_result if fullname.endswith(".run") else None


def _is_workflow(receiver: Type) -> bool:
    receiver = get_proper_type(receiver)
    return isinstance(receiver, Instance) and receiver.type.has_base(WORKFLOW)


def _run_signature(ctx: MethodSigContext) -> CallableType:
    """`run()`'s own signature plus `*, _blocking: bool, _priority: int | None,
    _idempotency_key: str | None, _timeout: timedelta | float | None`."""
    signature = ctx.default_signature
    if not _is_workflow(ctx.type) or any(name in OPTIONS for name in signature.arg_names):
        return signature
    flag = ctx.api.named_generic_type("builtins.bool", [])
    priority = UnionType([ctx.api.named_generic_type("builtins.int", []), NoneType()])
    key = UnionType([ctx.api.named_generic_type("builtins.str", []), NoneType()])
    timeout = UnionType([ctx.api.named_generic_type("datetime.timedelta", []),
                         ctx.api.named_generic_type("builtins.float", []), NoneType()])  # fmt: skip
    added = [flag, priority, key, timeout]
    # keyword-only parameters go before a **kwargs parameter, if run() has one
    at = len(signature.arg_kinds) - (1 if signature.arg_kinds[-1:] == [ARG_STAR2] else 0)
    return signature.copy_modified(
        arg_types=[*signature.arg_types[:at], *added, *signature.arg_types[at:]],
        arg_kinds=[*signature.arg_kinds[:at], *[ARG_NAMED_OPT] * len(added),
                   *signature.arg_kinds[at:]],
        arg_names=[*signature.arg_names[:at], *OPTIONS, *signature.arg_names[at:]],
    )  # fmt: skip


def _run_result(ctx: MethodContext) -> Type:
    """`Coroutine[..., str]` for `_blocking=False`; `str | R` for a flag known only at run time."""
    result = get_proper_type(ctx.default_return_type)
    if not _is_workflow(ctx.type) or "_blocking" not in ctx.callee_arg_names:
        return ctx.default_return_type
    given = ctx.args[ctx.callee_arg_names.index("_blocking")]
    if not given or not isinstance(result, Instance) or not result.args:
        return ctx.default_return_type
    flag = given[0]
    if isinstance(flag, NameExpr) and flag.fullname == "builtins.True":
        return ctx.default_return_type
    instance_id: Type = ctx.api.named_generic_type("builtins.str", [])
    if not (isinstance(flag, NameExpr) and flag.fullname == "builtins.False"):
        instance_id = UnionType([result.args[-1], instance_id])
    return result.copy_modified(args=[*result.args[:-1], instance_id])


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return WaymarkPlugin
