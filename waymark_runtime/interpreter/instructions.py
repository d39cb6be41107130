"""Instruction factories: each returns a closure `Frame -> next pc` with its operands baked in.

Every instruction is a small function on the hot path of the interpreter loop; none of them
allocates more than the statement itself needs. Control leaves the loop only by raising
(`Return`, `Suspend`, or an exception value on its way to a handler).
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.interpreter import operators
from waymark_runtime.interpreter.attributes import get_attribute
from waymark_runtime.interpreter.code import (
    SENT,
    Assign,
    AwaitSite,
    Deadline,
    Eval,
    Frame,
    Instr,
    Return,
    Suspend,
    Yielded,
)
from waymark_runtime.interpreter.guards import Guards
from waymark_runtime.interpreter.journal import Journal
from waymark_runtime.interpreter.library import Library
from waymark_runtime.values import ExceptionCarrier, ExceptionValue, TypeValue

augmented = operators.augmented


def log(
    level: str,
    arguments: Any,
    where: tuple[str, int],
    nxt: int,
    journal: Journal,
    handled: int | None = None,
) -> Instr:
    """`self.log.<level>(message, *args)`: a line of the instance's log (the step context's
    `journal`, which the machine restarts for each call); `handled` is the slot of the
    exception an `except` block handles, which `self.log.exception` appends."""
    function, line = where
    write = journal.log

    def instr(frame: Frame) -> int:
        (message, *args), _ = arguments(frame.env)
        error = frame.slots[handled] if handled is not None else None
        write(level, message, args, function, line, error)
        return nxt

    return instr


def assign_name(name: str, value: Eval, nxt: int) -> Instr:
    def instr(frame: Frame) -> int:
        env = frame.env
        env[name] = value(env)
        return nxt

    return instr


def assign(targets: list[Assign], value: Eval, nxt: int) -> Instr:
    def instr(frame: Frame) -> int:
        env = frame.env
        result = value(env)
        for target in targets:
            target(env, result)
        return nxt

    return instr


def augmented_item(
    op: str, container: Eval, index: Eval, value: Eval, nxt: int, guards: Guards
) -> Instr:
    """`c[i] op= v`: container and index evaluated once, the update in place (as Python)."""
    apply = operators.inplace(op, guards)

    def instr(frame: Frame) -> int:
        env = frame.env
        target, key = container(env), index(env)
        current, update = target[key], value(env)
        try:
            target[key] = apply(current, update)
        except TypeError as error:
            raise operators.augmented_error(error, op) from None
        return nxt

    return instr


def augmented_attribute(
    op: str, obj: Eval, name: str, value: Eval, nxt: int, library: Library
) -> Instr:
    """`o.a op= v`: `o` evaluated once, `o.a` read, updated in place, stored back (as Python)."""
    apply = operators.inplace(op, library.bounded)
    get, put = get_attribute, library.set_attribute

    def instr(frame: Frame) -> int:
        env = frame.env
        target = obj(env)
        current, update = get(target, name), value(env)
        try:
            result = apply(current, update)
        except TypeError as error:
            raise operators.augmented_error(error, op) from None
        put(target, name, result)
        return nxt

    return instr


def delete(deletions: list[Any], nxt: int) -> Instr:
    def instr(frame: Frame) -> int:
        env = frame.env
        for deletion in deletions:
            deletion(env)
        return nxt

    return instr


def evaluate(value: Eval, nxt: int) -> Instr:
    def instr(frame: Frame) -> int:
        value(frame.env)
        return nxt

    return instr


def jump(target: int) -> Instr:
    return lambda frame: target


def branch(test: Eval, if_true: int, if_false: int) -> Instr:
    def instr(frame: Frame) -> int:
        return if_true if test(frame.env) else if_false

    return instr


def leave(cleanups: list[tuple[int, str | None]], target: int) -> Instr:
    """Jump out of except bodies and loops, releasing what they held (`as` names, iterators)."""
    if not cleanups:
        return jump(target)

    def instr(frame: Frame) -> int:
        for slot, name in cleanups:
            frame.slots[slot] = None
            if name is not None:
                frame.env.pop(name, None)
        return target

    return instr


def return_none(frame: Frame) -> int:
    raise Return(None)


def return_value(value: Eval) -> Instr:
    def instr(frame: Frame) -> int:
        raise Return(value(frame.env))

    return instr


def yield_value(value: Eval | None) -> Instr:
    def instr(frame: Frame) -> int:
        result = None if value is None else value(frame.env)
        frame.env.pop(SENT, None)  # sent to an earlier `yield` that bound nothing
        raise Yielded(result)

    return instr


def take_sent(target: Assign, nxt: int) -> Instr:
    """`x = yield ...` resumed: `x` gets what `send` gave the generator (None for `next`)."""

    def instr(frame: Frame) -> int:
        target(frame.env, frame.env.pop(SENT, None))
        return nxt

    return instr


def raise_value(value: Eval, library: Library, cause: Eval | None = None) -> Instr:
    """`raise value`, or `raise value from cause`: the cause is evaluated and checked as CPython
    does (a class is instantiated), becomes `__cause__` and sets `__suppress_context__`
    (`from None` too). The exception is `fresh`: where it is raised decides its context."""
    as_exception = library.raise_value

    def instr(frame: Frame) -> int:
        if cause is None:
            error = as_exception(value(frame.env))
            error.fresh = True
            raise ExceptionCarrier(error)
        error = value(frame.env)
        reason = cause(frame.env)
        error = as_exception(error)
        if reason is not None and not isinstance(reason, ExceptionValue | TypeValue):
            raise TypeError("exception causes must derive from BaseException")
        error.caused_by(None if reason is None else as_exception(reason))
        error.fresh = True
        raise ExceptionCarrier(error)

    return instr


def reraise(slot: int) -> Instr:
    def instr(frame: Frame) -> int:
        error: ExceptionValue = frame.slots[slot]
        raise ExceptionCarrier(error)

    return instr


def no_active_exception(frame: Frame) -> int:
    raise RuntimeError("No active exception to reraise")


def dispatch(table: list[tuple[tuple[str, ...], str | None, Any]], slot: int) -> Instr:
    """Pick the first `except` clause matching the parked error, or let the error go on."""
    clauses: list[tuple[tuple[str, ...], str | None, int]] = [
        (types, name, label.pc) for types, name, label in table
    ]

    def instr(frame: Frame) -> int:
        error = frame.error
        frame.error = None
        assert error is not None
        for types, name, target in clauses:
            if not types or any(error.is_a(t) for t in types):
                frame.slots[slot] = error
                if name is not None:
                    frame.env[name] = error
                return target
        raise ExceptionCarrier(error)

    return instr


def match(subject: Eval, cases: list[tuple[Any, Eval | None, Any]], end: int) -> Instr:
    arms: list[tuple[Any, Eval | None, int]] = [(m, g, label.pc) for m, g, label in cases]

    def instr(frame: Frame) -> int:
        env = frame.env
        value = subject(env)
        for matcher, guard, target in arms:
            if matcher(value, env) and (guard is None or guard(env)):
                return target
        return end

    return instr


def suspend(site: AwaitSite, request: Any) -> Instr:
    flag, slot, deadline = site.flag, site.flag_slot, site.deadline
    if (flag is None or slot is None) and deadline is None:

        def instr(frame: Frame) -> int:
            raise Suspend(site, request(frame.env))

        return instr

    def flagged(frame: Frame) -> int:
        """A gather whose `return_exceptions` is an expression: evaluated after the calls'
        arguments, as Python evaluates a call's keyword after its positional arguments; then
        its `wait_for` timeout, handed over with the calls (`Deadline`)."""
        calls = request(frame.env)
        if flag is not None and slot is not None:
            frame.slots[slot] = bool(flag(frame.env))
        if deadline is not None:
            calls = Deadline(calls, deadline(frame.env))
        raise Suspend(site, calls)

    return flagged
