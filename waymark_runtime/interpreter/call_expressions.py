"""Compiling calls: builtins, methods, helpers, constructors and their arguments (a part of
`expressions.ExprCompiler`, which holds the step context's library and meter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from waymark_runtime import ir
from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.binding import bind_arguments
from waymark_runtime.interpreter.code import Code, Env, Eval, Frame, run_sync
from waymark_runtime.interpreter.library import Library
from waymark_runtime.interpreter.limits import Meter, weight
from waymark_runtime.values.python_errors import named_as_python

Arguments = Callable[[Env], tuple[list[Any], dict[str, Any]]]
T = TypeVar("T")


class CallCompiler:
    """The calls of `ExprCompiler`: `compile` and `_items` are its."""

    functions: dict[str, Code]
    helpers: dict[str, ir.Function]
    library: Library
    meter: Meter

    compile: Callable[[Any], Eval]
    _items: Callable[[tuple[Any, ...]], Callable[[Env], list[Any]]]

    def arguments(
        self, args: tuple[Any, ...], kwargs: tuple[ir.Keyword, ...], callee: str = ""
    ) -> Arguments:
        """`callee` names the function in a duplicate keyword error, as CPython does: `max()`."""
        positional = self._items(args)
        repeated = f"{callee}() got multiple values" if callee else "got multiple values"
        if all(k.name is not None for k in kwargs):
            named = [(str(k.name), self.compile(k.value)) for k in kwargs]
            return lambda env: (positional(env), {n: v(env) for n, v in named})
        keywords = [(k.name, self.compile(k.value)) for k in kwargs]

        def build(env: Env) -> tuple[list[Any], dict[str, Any]]:
            out: dict[str, Any] = {}
            for name, value in keywords:
                extra = {name: value(env)} if name is not None else value(env)
                for key in extra:
                    if key in out:
                        raise TypeError(f"{repeated} for keyword argument '{key}'")
                    out[key] = extra[key]
            return positional(env), out

        return build

    def eval_Call(self, node: ir.Call) -> Eval:
        function = self.library.builtin(node.func)
        if len(node.args) == 1 and not node.kwargs and not isinstance(node.args[0], ir.Starred):
            only = self.compile(node.args[0])

            def call_one(env: Env) -> Any:
                value = only(env)
                try:
                    return function(value)
                except TypeError as error:
                    raise named_as_python(error, (value,)) from None

            return call_one
        arguments = self.arguments(node.args, node.kwargs, node.func.rpartition(".")[2])

        def call(env: Env) -> Any:
            args, kwargs = arguments(env)
            try:
                return function(*args, **kwargs)
            except TypeError as error:
                raise named_as_python(error, (*args, *kwargs.values())) from None

        return call

    def eval_MethodCall(self, node: ir.MethodCall) -> Eval:
        obj, method, call = self.compile(node.obj), node.method, self.library.call_method
        arguments = self.arguments(node.args, node.kwargs)
        if method == "append" and len(node.args) == 1 and not node.kwargs:
            return _append(obj, self.compile(node.args[0]), self.library)

        def invoke(env: Env) -> Any:
            target = obj(env)
            args, kwargs = arguments(env)
            try:
                return call(target, method, args, kwargs)
            except TypeError as error:
                raise named_as_python(error, (target, *args, *kwargs.values())) from None

        return invoke

    def eval_HelperCall(self, node: ir.HelperCall) -> Eval:
        helper = self.helpers.get(node.name)
        if helper is None or helper.is_async:
            kind = "an async helper: await it" if helper else "not a helper method"
            raise ProgramError(f"`self.{node.name}()` is {kind}")
        memo = helper.memo
        if memo is None:
            return self.helper_call(node, helper, run_sync)
        name, guards = node.name, self.library.bounded
        arguments, start = self.arguments(node.args, node.kwargs), self.helper_frame(helper)

        def cached(env: Env) -> Any:
            args, kwargs = arguments(env)
            run = lambda: run_sync(start(args, kwargs))  # noqa: E731
            return guards.memos.call(name, memo, args, kwargs, run)

        return cached

    def helper_call(
        self,
        node: ir.HelperCall | ir.CallAsyncHelper,
        helper: ir.Function,
        finish: Callable[[Frame], T],
    ) -> Callable[[Env], T]:
        """A call of `helper`: its frame, arguments evaluated in `env`, handed to `finish`
        (`run_sync` runs a sync helper at once; an async one's frame starts a task)."""
        arguments, start = self.arguments(node.args, node.kwargs), self.helper_frame(helper)

        def call(env: Env) -> T:
            return finish(start(*arguments(env)))

        return call

    def helper_frame(self, helper: ir.Function) -> Callable[[list[Any], dict[str, Any]], Frame]:
        """The frame of a call of `helper` with its arguments; each charges the meter for the
        helper's body."""
        functions, name, meter, cost = (
            self.functions,
            helper.name,
            self.meter,
            1 + weight(helper.body),
        )

        def start(args: list[Any], kwargs: dict[str, Any]) -> Frame:
            meter.charge(cost)
            code = functions[name]
            return Frame(code, bind_arguments(code, args, kwargs))

        return start

    def eval_New(self, node: ir.New) -> Eval:
        path, arguments, new = node.type, self.arguments(node.args, node.kwargs), self.library.new

        def construct(env: Env) -> Any:
            args, kwargs = arguments(env)
            return new(path, args, kwargs)

        return construct


def _append(obj: Eval, item: Eval, library: Library) -> Eval:
    """`xs.append(x)`: the accumulator pattern, without the generic method lookup."""
    call_method, meter = library.call_method, library.bounded.meter

    def append(env: Env) -> Any:
        target = obj(env)
        if type(target) is not list:
            return call_method(target, "append", [item(env)], {})
        target.append(item(env))
        if len(target) > meter.items:
            raise meter.too_many_items(len(target))
        return None

    return append
