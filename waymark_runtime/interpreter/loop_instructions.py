"""Loop instructions: the top and bottom of `while` and `for`, as closures `Frame -> next pc`.

Each iteration spends its operations on the meter at the bottom of the loop. A loop with an
`await` in its body counts its iterations in a frame slot (`count`), from 0, so what an
iteration dispatches can say which one it was (a state saved before counters gets 0s:
`Frame`). Loops with no await (`count` None) count nothing and cost nothing more. The other
instructions are in `instructions`.
"""

from __future__ import annotations

from waymark_runtime.interpreter.code import Assign, Eval, Frame, Instr
from waymark_runtime.interpreter.instructions import branch
from waymark_runtime.interpreter.limits import Meter


def while_enter(test: Eval, body: int, done: int, count: int | None) -> Instr:
    """The top of a `while`: test, and start counting iterations."""
    if count is None:
        return branch(test, body, done)

    def instr(frame: Frame) -> int:
        if test(frame.env):
            frame.slots[count] = 0
            return body
        return done

    return instr


def loop_back(
    test: Eval, body: int, done: int, cost: int, count: int | None, meter: Meter
) -> Instr:
    """The bottom of a `while`: spend an iteration's operations (`cost`) on `meter`, test again."""
    if count is None:

        def instr(frame: Frame) -> int:
            meter.left -= cost
            if meter.left < 0:
                raise meter.spent()
            return body if test(frame.env) else done

        return instr

    def counting(frame: Frame) -> int:
        meter.left -= cost
        if meter.left < 0:
            raise meter.spent()
        if test(frame.env):
            frame.slots[count] += 1
            return body
        return done

    return counting


def for_init(slot: int, source: Eval, nxt: int, count: int | None) -> Instr:
    if count is None:

        def instr(frame: Frame) -> int:
            frame.slots[slot] = iter(source(frame.env))
            return nxt

        return instr

    def counting(frame: Frame) -> int:
        frame.slots[slot] = iter(source(frame.env))
        frame.slots[count] = -1
        return nxt

    return counting


def for_next_name(slot: int, name: str, nxt: int, done: int, count: int | None) -> Instr:
    if count is None:

        def instr(frame: Frame) -> int:
            slots = frame.slots
            for item in slots[slot]:
                frame.env[name] = item
                return nxt
            slots[slot] = None
            return done

        return instr

    def counting(frame: Frame) -> int:
        slots = frame.slots
        for item in slots[slot]:
            frame.env[name] = item
            slots[count] += 1
            return nxt
        slots[slot] = None
        return done

    return counting


def for_next(slot: int, target: Assign, nxt: int, done: int, count: int | None) -> Instr:
    if count is None:

        def instr(frame: Frame) -> int:
            slots = frame.slots
            for item in slots[slot]:
                target(frame.env, item)
                return nxt
            slots[slot] = None
            return done

        return instr

    def counting(frame: Frame) -> int:
        slots = frame.slots
        for item in slots[slot]:
            target(frame.env, item)
            slots[count] += 1
            return nxt
        slots[slot] = None
        return done

    return counting


def counted(step: Instr, cost: int, meter: Meter) -> Instr:
    """The bottom of a `for`: spend an iteration's operations (`cost`), take the next item."""

    def instr(frame: Frame) -> int:
        meter.left -= cost
        if meter.left < 0:
            raise meter.spent()
        return step(frame)

    return instr
