"""Compiled functions and the loop that runs them: flat instructions, frames, control signals.

A function body becomes a flat list of instructions (closures `Frame -> next pc`) plus a static
table from each pc to the handler that covers it (as CPython's exception table), so entering a
`try` costs nothing and a frame's position is one integer. This module runs code; it never
decides what an await means (the machine does) and holds no state between calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter.limits import LimitExceeded
from waymark_runtime.values import ExceptionCarrier, ExceptionValue, exception_value

Env = dict[str, Any]
Eval = Callable[[Env], Any]
Assign = Callable[[Env, Any], None]
Instr = Callable[["Frame"], int]
Path = tuple[int | str, ...]


class Frame:
    """One active call: its code, the pc of the next instruction, locals and per-frame slots.

    `slots` hold loop iterators and the exception each `except` body is handling; `error` is the
    exception on its way to a handler's dispatch instruction. `caller` is the frame that called
    this one (None for `run()` and a task's first frame), waiting at the pc of its call: the
    exception an `except` body of a caller handles there reaches into this frame, as in CPython.
    """

    __slots__ = ("caller", "code", "env", "error", "pc", "slots")

    def __init__(self, code: Code, env: Env, pc: int = 0, slots: list[Any] | None = None) -> None:
        self.code = code
        self.env = env
        self.pc = pc
        self.slots: list[Any] = slots if slots is not None else [None] * code.nslots
        if len(self.slots) < code.nslots:  # saved before loops had counters: they count from 0
            self.slots.extend([0] * (code.nslots - len(self.slots)))
        self.error: ExceptionValue | None = None
        self.caller: Frame | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AwaitSite:
    """An await instruction: what it waits on, and how its result is stored on resume.

    Where it is, for what it dispatches: `node` is its DAG node (`dag.CallSite`), `items` the
    nodes of a gather's items (a single action's is `node`), `spreads` which items are spreads
    (one call per element), `loops` the counter slots of the loops around it, outermost first.
    """

    kind: str  # "actions", "sleep", "signal" or "call"
    assign: Assign | None
    policies: tuple[Any, ...] = ()  # per gather item: its `ir.Policy` (or None)
    return_exceptions: bool = False
    flag: Eval | None = None  # a `return_exceptions` known at run time, kept in `flag_slot`
    flag_slot: int | None = None
    deadline: Eval | None = None  # a gather's `wait_for` timeout: evaluated after its flag
    groups: tuple[int, ...] = ()  # gathers nested in it (`ir.Gather.groups`)
    single: bool = False
    node: str | None = None
    items: tuple[str, ...] = ()
    spreads: tuple[bool, ...] = ()
    loops: tuple[int, ...] = ()

    def returns_exceptions(self, frame: Frame) -> bool:
        """Does the gather `frame` waits at return exceptions (the truth of its flag, taken
        when it dispatched its calls)?"""
        if self.flag_slot is None:
            return self.return_exceptions
        return bool(frame.slots[self.flag_slot])

    def where(self, item: int, path: Path, element: int) -> tuple[str | None, Path]:
        """The site and iteration of what gather item `item` dispatches (`element`: which
        call of a spread), `path` being the iteration of this await (`iteration_path`)."""
        node = self.items[item] if item < len(self.items) else self.node
        if item < len(self.spreads) and self.spreads[item]:
            return node, (*path, element)
        return node, path


class Deadline:
    """A gather's calls and the seconds of its `wait_for` timeout (None: none)."""

    __slots__ = ("calls", "seconds")

    def __init__(self, calls: list[Any], seconds: Any) -> None:
        self.calls = calls
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class ChildCall:
    """In `AwaitSite.policies`, in place of a policy: the item is a child workflow call."""

    blocking: bool = True


@dataclass(slots=True, kw_only=True)
class Code:
    name: str
    title: str  # what CPython's argument errors call the function (`Wf.helper`)
    bound: bool  # a `self` CPython counts among the positional arguments
    closure: tuple[str, ...]  # keyword-only parameters that carry a closure's variables
    params: tuple[Any, ...]
    defaults: dict[str, Eval]
    instrs: list[Instr]
    handler_at: list[int]
    handled_at: list[int]  # per pc, the slot of the exception an `except` body handles (or -1)
    nslots: int
    awaits: dict[int, AwaitSite]
    lines: list[int]
    module: str = ""  # a function of another module than the workflow's (`ir.Function.module`)
    generator: bool = False  # its body yields: a call returns a `Generator`
    yields: frozenset[int] = frozenset()  # the pcs of its `yield`s, where a generator stops
    # It has `except` bodies: while it runs, its frame keeps its pc current, where a helper it
    # calls finds what the body there handles (`_handled_by_callers`).
    handles: bool = field(init=False)

    def __post_init__(self) -> None:
        self.handles = any(slot >= 0 for slot in self.handled_at)


class Signal(Exception):  # a control transfer, not an error
    """Leaves the instruction loop: never seen by workflow code."""


class Return(Signal):
    def __init__(self, value: Any) -> None:
        self.value = value


class Yielded(Signal):
    """A generator's `yield`: the frame stops there, `value` is the item read."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Suspend(Signal):
    """An await: `request` is what the machine must arrange before the frame can go on."""

    def __init__(self, site: AwaitSite, request: Any) -> None:
        self.site = site
        self.request = request


_NOTHING: Any = object()


def iteration_path(frames: Sequence[Frame]) -> Path:
    """Which run of its await the top frame has stopped at: for every frame, outermost first,
    the iteration (from 0) of each loop around its await, then, for a caller, the DAG node of
    the helper call it waits on (so two calls of one helper are told apart)."""
    path: list[int | str] = []
    last = len(frames) - 1
    for depth, frame in enumerate(frames):
        site = frame.code.awaits.get(frame.pc)
        if site is None:
            continue
        slots = frame.slots
        path.extend(slots[slot] or 0 for slot in site.loops)
        if depth < last and site.node is not None:
            path.append(site.node)
    return tuple(path)


def execute(frame: Frame, throw: ExceptionValue | None = None, value: Any = _NOTHING) -> None:
    """Run `frame` until it returns (`Return`), awaits (`Suspend`) or an exception escapes it.

    Resuming: `value` is delivered to the await at `frame.pc`; `throw` raises there instead.
    """
    caller, _running[0] = _running[0], frame
    try:
        _resume(frame, throw, value)
    finally:
        _running[0] = caller


def _resume(frame: Frame, throw: ExceptionValue | None, value: Any) -> None:
    pc = frame.pc
    try:
        if throw is not None:
            _arriving(frame, throw)
            raise ExceptionCarrier(throw)
        if value is not _NOTHING:
            assign = frame.code.awaits[pc].assign
            if assign is not None:
                assign(frame.env, value)
            pc += 1
    except WaymarkError:
        raise
    except Exception as error:
        pc = _handle(frame, pc, error)
    _loop(frame, pc)


def _loop(frame: Frame, pc: int) -> None:
    instrs, tracked = frame.code.instrs, frame.code.handles
    caller, _running[0] = _running[0], frame
    try:
        while True:
            try:
                if tracked:  # the pc of a call is where a helper finds the handled exception
                    while True:
                        frame.pc = pc
                        pc = instrs[pc](frame)
                while True:
                    pc = instrs[pc](frame)
            except Signal:
                frame.pc = pc
                raise
            except WaymarkError as error:
                frame.pc = pc
                if isinstance(error, LimitExceeded):
                    error.locate(frame.code, pc)
                raise
            except Exception as error:
                pc = _handle(frame, pc, error)
    finally:
        _running[0] = caller


_running: list[Frame | None] = [None]
"""The frame whose instructions run now (a step runs on one thread, to its end): a helper's
frame started from one of them is called by it (`run_sync`, `Generator.send`)."""


def _handle(frame: Frame, pc: int, error: Exception) -> int:
    """The pc of the handler covering `pc`, with the error parked on the frame; else re-raise.

    An exception raised at `pc` (`fresh`) while an `except` body there handles another gets
    that one as its `__context__`, as in CPython; one raised where nothing is handled is
    decided by the frames it leaves (a helper called from an `except` body)."""
    handler, handled = frame.code.handler_at[pc], frame.code.handled_at[pc]
    value: ExceptionValue | None = None
    if handled >= 0 and frame.slots[handled] is not None:
        value = exception_value(error)
        value.fresh |= not isinstance(error, ExceptionCarrier)  # an operation raised it here
        value.raised_while(frame.slots[handled])
    if handler < 0:
        frame.pc = pc
        if value is None:
            raise error
        raise ExceptionCarrier(value) from None
    if value is None and _fresh(error) and (outer := _handled_by_callers(frame)) is not None:
        value = exception_value(error)  # caught here, raised while a caller handles `outer`
        value.fresh = True
        value.raised_while(outer)
    frame.error = value if value is not None else exception_value(error)
    return handler


def _fresh(error: Exception) -> bool:
    return not isinstance(error, ExceptionCarrier) or error.value.fresh


def _handled_by_callers(frame: Frame) -> ExceptionValue | None:
    """The exception an `except` body of a calling frame is handling where it called into
    `frame` (the nearest such caller), as CPython's handled exceptions reach into the functions
    an `except` body calls. Each caller waits at the pc of its call."""
    caller = frame.caller
    while caller is not None:
        handled = caller.code.handled_at[caller.pc]
        found: ExceptionValue | None = caller.slots[handled] if handled >= 0 else None
        if found is not None:
            return found
        caller = caller.caller
    return None


def _arriving(frame: Frame, error: ExceptionValue) -> None:
    """An exception thrown in at the await `frame` waits at is raised there: an action's (or
    a child workflow's) chain gets the context at its root, as its coroutine ran inside this
    frame; a gather's, a sleep's or a signal's gets it itself. One a helper frame let go
    keeps what that frame decided."""
    site = frame.code.awaits.get(frame.pc)
    if site is None or site.kind == "call":
        return
    error.fresh = True
    error.deep = site.kind == "actions" and site.single


HELPER_DEPTH = 1000
"""Synchronous helper calls one step may nest (CPython's default recursion limit): one more
raises `RecursionError`, at the same depth in every process, however deep its own stack."""

_depth = [0]  # the helper calls running now (a step runs on one thread, to its end)


def run_sync(frame: Frame) -> Any:
    """Run a synchronous helper to its return value; its exceptions propagate to the caller.
    A generator's call only makes its iterator: the body runs as that is read."""
    if frame.code.generator:
        return Generator(frame)
    if _depth[0] >= HELPER_DEPTH:
        raise RecursionError("maximum recursion depth exceeded")
    _depth[0] += 1
    frame.caller = _running[0]
    try:
        _loop(frame, frame.pc)
    except Return as done:
        return done.value
    finally:
        _depth[0] -= 1
    raise AssertionError("unreachable: the loop only leaves by raising")


# Where a resumed generator's frame finds what `send` gave it (`instructions.take_sent`): not
# an identifier, so no variable of the user's can take it.
SENT = "<sent>"


class Generator:
    """A call of a generator helper: each item read runs its frame on to the next `yield`, as
    CPython's generator does. An exception from the body ends it (it raises once, then it is
    exhausted), and a `StopIteration` leaving the body is CPython's `RuntimeError`. The state
    codec saves one the workflow holds across an await as its paused frame (`generators`)."""

    __slots__ = ("done", "frame", "running", "started")

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.started = False
        self.done = False
        self.running = False  # its body runs now: reading it again is CPython's ValueError

    def __iter__(self) -> Generator:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def send(self, value: Any) -> Any:
        """`generator.send(value)`: resumes it with `value` as what its paused `yield` gives
        (`x = yield ...`); `next` sends None."""
        if self.running:
            raise ValueError("generator already executing")
        if self.done:
            raise StopIteration
        if not self.started and value is not None:
            raise TypeError("can't send non-None value to a just-started generator")
        if self.started and value is not None:
            self.frame.env[SENT] = value
        pc = self.frame.pc + 1 if self.started else self.frame.pc
        self.started = True
        self.frame.caller = _running[0]  # whoever reads it now, as CPython's generators
        self.running = True
        try:
            _loop(self.frame, pc)
        except Yielded as yielded:
            return yielded.value
        except Return as done:  # `return x`: CPython's `StopIteration(x)`, bare for None
            self.done = True
            if done.value is None:
                raise StopIteration from None
            raise StopIteration(done.value) from None
        except StopIteration:
            self.done = True
            raise RuntimeError("generator raised StopIteration") from None
        except BaseException:
            self.done = True
            raise
        finally:
            self.running = False
        raise AssertionError("unreachable: the loop only leaves by raising")


# Named as CPython names its generators (`type(g).__name__`, "'generator' object is not
# subscriptable").
Generator.__name__ = Generator.__qualname__ = "generator"


def delegate_step(iterator: Any, sent: Any) -> tuple[bool, Any]:
    """One step of `yield from iterator` (`vocabulary.DELEGATE_STEP`): what resumed the
    delegating generator passed on (`next` for None, else `send`, as CPython does), answered
    `(False, item)` for the item it yields or `(True, value)` when it returns `value`."""
    try:
        item = next(iterator) if sent is None else iterator.send(sent)
    except StopIteration as stop:
        return True, stop.value
    return False, item
