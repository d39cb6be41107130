"""Calls of function values: what `(callee)(args)` and a computed `await action (callee)(args)`
run once the callee is evaluated (`values.callables`).

A helper value runs as its `fn`: at once when synchronous (a `CallValue`), as a task of its own
when awaited. An action value is dispatched like any action call, and only when awaited. It
must not evaluate IR itself: `expressions` and `operations` hand it evaluated values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from waymark_runtime import ir
from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.attributes import get_attribute
from waymark_runtime.interpreter.binding import bind_arguments
from waymark_runtime.interpreter.classes import EnumMembers
from waymark_runtime.interpreter.code import Code, Env, Eval, Frame, run_sync
from waymark_runtime.interpreter.constructing import new_of
from waymark_runtime.interpreter.limits import Meter, weight
from waymark_runtime.values.callables import ActionValue, HelperValue, bound_call
from waymark_runtime.values.structural import TypeValue, type_name

if TYPE_CHECKING:
    from waymark_runtime.interpreter.library import Library


class Functions:
    """The program's helpers, for calls of helper values; each call charges the meter for the
    helper's body, as a call by name does."""

    def __init__(
        self,
        functions: dict[str, Code],
        helpers: dict[str, ir.Function],
        meter: Meter,
        library: Library,
    ) -> None:
        self.functions, self.helpers, self.meter = functions, helpers, meter
        self.library = library  # builds an instance of a class value (`constructing`)

    def check(self, name: str) -> None:
        """A program names only its own helpers (`fn name` of a helper it does not define is a
        malformed program)."""
        if name not in self.helpers:
            raise ProgramError(f"`fn {name}` does not name a helper function of the program")

    def frame(self, helper: HelperValue, args: list[Any], kwargs: dict[str, Any]) -> Frame:
        self.meter.charge(1 + weight(self.helpers[helper.path].body))
        code = self.functions[helper.path]
        return Frame(code, bind_arguments(code, args, kwargs))

    def attribute(self, value: Any, name: str) -> Any:
        """`f.__name__` or `f.__qualname__` of a function value (of a class value too, as
        Python has them); any other value has no such attribute, as in Python."""
        if isinstance(value, HelperValue):
            qualname = self.helpers[value.path].qualname or value.path
        elif isinstance(value, ActionValue | TypeValue):
            qualname = value.path.partition(":")[2]
        else:
            return get_attribute(value, name)
        return qualname if name == "__qualname__" else qualname.rpartition(".")[2]

    def caller(
        self, callee: Eval, arguments: Callable[[Env], tuple[list[Any], dict[str, Any]]]
    ) -> Eval:
        """`(callee)(args)`, compiled: the callee evaluated first, then the arguments."""

        def invoke(env: Env) -> Any:
            function = callee(env)
            return self.call(function, *arguments(env))

        return invoke

    def call(self, callee: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """`(callee)(args)` outside an `await`: a synchronous helper's result, the member
        an enum class read as a value looks up (`kind(2)`), or an instance of a class value
        (`STRATEGIES[name](dest)`)."""
        if isinstance(callee, EnumMembers):  # an enum class named in the code
            callee = callee.as_class()
        if isinstance(callee, TypeValue):
            return new_of(self.library, callee, args, kwargs)
        function, args, kwargs = bound_call(callee, args, kwargs)
        if isinstance(function, HelperValue) and not self.helpers[function.path].is_async:
            return self.run(function, args, kwargs)
        raise ProgramError(
            f"{function!r} is called without `await`: await it, or gather it (a workflow "
            "cannot hold the coroutine of an action or async helper)"
        )

    def run(self, function: HelperValue, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A synchronous helper's result, through its cache when it has one."""
        memo = self.helpers[function.path].memo
        if memo is None:
            return run_sync(self.frame(function, args, kwargs))
        run = lambda: run_sync(self.frame(function, args, kwargs))  # noqa: E731
        return self.library.bounded.memos.call(function.path, memo, args, kwargs, run)

    def awaited(
        self, callee: Any, args: list[Any], kwargs: dict[str, Any], *, gathered: bool = False
    ) -> tuple[Any, ...]:
        """What an awaited (or `gathered`) call of `callee` asks for: `(path, args, kwargs)`
        to dispatch an action, or `(frame,)` to run an async helper as a task. Awaiting or
        gathering what a synchronous helper returns is Python's `TypeError`, raised once it
        has run."""
        function, args, kwargs = bound_call(callee, args, kwargs)
        if isinstance(function, ActionValue):
            return function.path, args, kwargs
        frame = self.frame(function, args, kwargs)
        if self.helpers[function.path].is_async:
            return (frame,)
        result = run_sync(frame)
        if gathered:
            raise TypeError("An asyncio.Future, a coroutine or an awaitable is required")
        raise TypeError(f"object {type_name(result)} can't be used in 'await' expression")
