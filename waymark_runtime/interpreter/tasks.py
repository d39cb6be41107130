"""Tasks: the call stacks of one instance. `run()`'s is the main one; each async helper call
gathered by `asyncio.gather` runs as a task of its own, as CPython wraps it in one, and the
tasks interleave at their awaits. A gather's items take their turns in argument order, after
the tasks already ready (`Machine.ready`): a task runs to its first await, an action item
(`ItemStart`) is dispatched.

A task's result settles a placeholder call in its parent's `CallsWait` (node `Task.node`), so
results come back in argument order, `return_exceptions` and spreads work as for actions, and
the parent resumes once every item is settled. When the parent resumes with an exception
(the first item that failed), its other tasks are abandoned where they wait: what they had
dispatched still runs, nothing after it does (CPython would run them on until `run()` returns,
then cancel them; no result of theirs is observable by the workflow either way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark_runtime.interpreter.code import AwaitSite, Frame, Path
from waymark_runtime.interpreter.persisted import (
    CallsWait,
    PendingCall,
    SavedFrame,
    SavedTask,
    StateFormatError,
    Wait,
)

if TYPE_CHECKING:
    from waymark_runtime.interpreter.program import Program
    from waymark_runtime.interpreter.state import StateEncoder
    from waymark_runtime.interpreter.state_decode import StateDecoder
    from waymark_runtime.values import JSON


class Task:
    """One call stack, its wait and, while that is a `CallsWait`, its calls (in `calls`)."""

    __slots__ = ("calls", "frames", "node", "path", "pending", "wait")

    def __init__(self, node: str | None, path: Path, frames: list[Frame]) -> None:
        self.node = node  # the placeholder call it settles; None for the main stack
        self.path = path  # the iteration prefix of what it dispatches
        self.frames = frames
        self.wait: Wait | None = None
        self.calls: list[PendingCall] = []
        self.pending = 0

    def holds(self, node: str) -> bool:
        """Whether call `node` is one this task waits on."""
        return type(self.wait) is CallsWait and position(self.calls, node) is not None

    def waits_on(self) -> list[str]:
        """The nodes whose events this task waits for."""
        wait = self.wait
        if wait is None:
            return []
        if isinstance(wait, CallsWait):
            return [call.node for call in self.calls]
        return [wait.node]

    def saved_wait(self) -> Wait | None:
        if type(self.wait) is CallsWait:
            return CallsWait(calls=tuple(self.calls), pending=self.pending)
        return self.wait

    def saved(self, encoder: StateEncoder) -> SavedTask:
        return SavedTask(node=self.node or "", path=self.path,
                         frames=save_frames(encoder, self.frames),
                         wait=self.saved_wait())  # fmt: skip

    def load_wait(self, wait: Wait | None) -> None:
        self.wait = wait
        if type(wait) is CallsWait:
            self.calls, self.pending = list(wait.calls), wait.pending


def task_of(program: Program, decoder: StateDecoder, saved: SavedTask) -> Task:
    task = Task(saved.node, tuple(saved.path), load_frames(program, decoder, saved.frames))
    task.load_wait(saved.wait)
    return task


def save_frames(encoder: StateEncoder, frames: list[Frame]) -> tuple[SavedFrame, ...]:
    return tuple(
        SavedFrame(
            function=f.code.name, pc=f.pc, env=encoder.encode(f.env), slots=encoder.encode(f.slots)
        )
        for f in frames
    )


def load_frames(
    program: Program, decoder: StateDecoder, saved: tuple[SavedFrame, ...]
) -> list[Frame]:
    frames: list[Frame] = []
    for frame in saved:
        code = program.functions[frame.function]
        if frame.pc not in code.awaits:  # every saved frame waits at one of its awaits
            raise StateFormatError(
                f"malformed instance state: {frame.function}() has no await at position {frame.pc}"
            )
        env = decoder.decode(frame.env)
        loaded = Frame(code, env, frame.pc, decoder.decode(frame.slots))
        loaded.caller = frames[-1] if frames else None  # each awaits the one after it
        frames.append(loaded)
    return frames


def placeholder(node: str, item: int, frame: Frame) -> PendingCall:
    """The call a gathered helper's task settles: never dispatched, it names the helper."""
    return PendingCall(node=node, item=item, target=f"self.{frame.code.name}", args=(), kwargs={})


def position(calls: list[PendingCall], node: str) -> int | None:
    """Where call `node` is in a gather's calls: their node ids are consecutive (`n7, n8, ...`)."""
    try:
        index = int(node[1:]) - int(calls[0].node[1:])
    except (IndexError, ValueError):
        return None
    if 0 <= index < len(calls) and calls[index].node == node:
        return index
    return None


def abandoned(tasks: list[Task], calls: list[PendingCall]) -> list[Task]:
    """The tasks that settle one of `calls` (still pending), and theirs, transitively."""
    nodes = {call.node for call in calls if call.status == "pending"}
    found: list[Task] = []
    for task in tasks:
        if task.node in nodes:
            found.append(task)
            found.extend(abandoned(tasks, task.calls))
    return found


class Encoded:
    """The arguments one gather's calls have encoded, by object (`leaving.encoded_once`):
    valid while no workflow code has run since (`moves` unchanged), as it may change them."""

    __slots__ = ("known", "moves")

    def __init__(self, moves: int) -> None:
        self.moves = moves
        self.known: dict[int, tuple[Any, JSON, int]] = {}

    def at(self, moves: int) -> dict[int, tuple[Any, JSON, int]]:
        if moves != self.moves:
            self.moves, self.known = moves, {}
        return self.known


class ItemStart:
    """An action or child workflow item of a gather, to start in its turn: `calls[index]`
    holds its node until then, and its arguments are encoded when it starts, as CPython's
    coroutine reads the objects it was passed once its task runs."""

    __slots__ = ("call", "calls", "encoded", "frame", "index", "site", "where")

    def __init__(
        self,
        calls: list[PendingCall],
        site: AwaitSite,
        frame: Frame,
        call: tuple[Any, ...],
        where: tuple[str | None, Path],
        encoded: Encoded,
    ) -> None:
        self.calls, self.index = calls, len(calls) - 1
        self.site, self.frame, self.call, self.where, self.encoded = (
            site, frame, call, where, encoded)  # fmt: skip


def grouped(results: list[Any], calls: list[PendingCall], groups: tuple[int, ...]) -> list[Any]:
    """The results of a gather that has gathers nested in it (`ir.Gather.groups`), in the
    order it is written: each nested gather's as one list, the others as they are."""
    by_item: dict[int, list[Any]] = {}
    for call, result in zip(calls, results, strict=True):
        by_item.setdefault(call.item, []).append(result)
    out: list[Any] = []
    nested, own = 0, sum(size for size in groups if size > 0)
    for size in groups:
        if size < 0:
            out += by_item.get(own, [])
            own += 1
            continue
        out.append([result for item in range(nested, nested + size)
                    for result in by_item.get(item, [])])  # fmt: skip
        nested += size
    return out
