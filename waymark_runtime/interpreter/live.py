"""A live instance: one instance's `Machine` kept by its host between steps.

`LiveInstance.start` begins an instance, `LiveInstance.resume` rebuilds one from its saved
`InstanceState` (the only decode); each `deliver(events)` is one step: a full budget of the
step context, the context's journal restarted at its own count of lines, its own effects. A step that moved the continuation (a frame
ran, a wait ended, an effect, a log line) saves it (`state`), charged like any visit of its
values; a step whose events only settled calls of a wait that stays pending saves nothing
(`moved` is False): the host keeps the stored state and records those results unconsumed,
and a machine rebuilt from that state with them as events reaches the same point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import Effect, Event
from waymark_runtime.errors import ValueNotSerializable, WaymarkError
from waymark_runtime.interpreter import started, task_groups
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.context import StepContext
from waymark_runtime.interpreter.limits import LimitExceeded
from waymark_runtime.interpreter.machine import Machine
from waymark_runtime.interpreter.persisted import CallsWait, InstanceState, StateFormatError
from waymark_runtime.interpreter.program import Program
from waymark_runtime.interpreter.state import StateEncoder
from waymark_runtime.interpreter.state_decode import StateDecoder
from waymark_runtime.interpreter.tasks import load_frames, save_frames, task_of
from waymark_runtime.values import error_json


class LiveInstance:
    """One instance's machine between steps, run under the host's `StepContext` (one step at a
    time: the context's meter is reset by each)."""

    __slots__ = ("_state", "context", "machine", "moved", "workflow")

    def __init__(self, workflow: ir.Workflow, context: StepContext, machine: Machine) -> None:
        self.workflow = workflow
        self.context = context
        self.machine = machine
        self.moved = True
        """Whether the last step moved the continuation (it then saved it: `saved()`)."""
        self._state: InstanceState | None = None  # the state, while it is current

    @classmethod
    def start(
        cls, workflow: ir.Workflow, inputs: dict[str, Any], context: StepContext
    ) -> tuple[LiveInstance, list[Effect]]:
        """Begin an instance with its JSON-shaped `run()` arguments: its first step."""
        program = context.begin(workflow)
        live = cls(workflow, context, Machine(program, context.library.bounded))
        live.machine.journal.restart(0)
        live.machine.begin(inputs)
        return live, live._finish()

    @classmethod
    def resume(
        cls, workflow: ir.Workflow, state: InstanceState, context: StepContext
    ) -> LiveInstance:
        """The live instance of a saved state (`state` itself is never changed)."""
        program = context.begin(workflow)
        try:
            machine = load(program, context.library.bounded, state)
        except WaymarkError:
            raise
        except Exception as error:  # the stored values or positions do not decode
            raise StateFormatError(
                f"malformed instance state: {type(error).__name__}: {error}"
            ) from None
        live = cls(workflow, context, machine)
        live._state = state
        return live

    @property
    def running(self) -> bool:
        return self.machine.status == "running"

    def calls(self) -> int:
        """How many calls its waits hold (of every task): what a saved state grows with."""
        self.machine._park()
        return sum(len(task.calls) for task in self.machine.tasks.values())

    def collecting(self, results: int) -> bool:
        """Whether `results` results cannot move it: `run()` alone (no gathered helper tasks)
        waits on a gather with more calls pending than that."""
        machine = self.machine
        return (machine.status == "running" and len(machine.tasks) == 1
                and type(machine.wait) is CallsWait and machine.pending > results)  # fmt: skip

    def deliver(self, events: Sequence[Event]) -> list[Effect]:
        """One step: feed `events` (oldest first; stale or duplicate ones are ignored)."""
        machine = self.machine
        self.context.begin(self.workflow)
        machine.guards.memos = machine.memos  # the context may have run another instance
        machine.guards.instance = machine.instance
        machine.effects = []
        machine.journal.restart(machine.logs, machine.printing)
        moves = machine.moves
        machine.deliver(events)
        if machine.moves == moves and not machine.effects and not machine.journal.lines:
            self.moved, self._state = False, None
            return []
        return self._finish()

    def saved(self) -> InstanceState:
        """The state now: the last step's, or saved anew after steps that only settled calls
        (under a fresh budget: a limit exceeded raises `LimitExceeded`)."""
        if self._state is None:
            self.context.begin(self.workflow)
            self._adopt(*_save(self.machine))
        assert self._state is not None
        return self._state

    def _finish(self) -> list[Effect]:
        state, effects, intact = finish(self.machine)
        self._adopt(state, intact)
        self.moved = True
        return effects

    def _adopt(self, state: InstanceState, intact: bool) -> None:
        """`state` is current. Saving read an iterator to its end (a generator, `zip`,
        `enumerate` a loop is paused in): the machine goes on from the saved state instead,
        where it is a list iterator at the same position."""
        self._state = state
        if not intact:
            machine = self.machine
            self.machine = load(machine.program, machine.guards, state)


def finish(machine: Machine) -> tuple[InstanceState, list[Effect], bool]:
    """End a step: the new state, the step's effects (its log lines last) and whether the
    machine is intact (`_save`). Saving is charged like any visit of the saved values, so a
    state that would take too long to save fails the instance instead (the step's other
    effects are dropped)."""
    machine._enter(machine.main)
    try:
        for task in machine.tasks.values():
            for frame in task.frames:
                machine.guards.charge_saving(frame.env)
        _write_log(machine)
        state, intact = _save(machine)
        _reindex(machine)
        return state, machine.effects, intact
    except LimitExceeded as error:
        machine.effects.clear()
        # (the main stack is empty while tasks end after `run()`: a task's frame is named)
        stacks = [task.frames for task in machine.tasks.values() if task.frames]
        if stacks:
            machine._refuse(error, stacks[0][-1])
        else:
            machine._fail(error_json(error))
        _write_log(machine)
        state, intact = _save(machine)
        return state, machine.effects, intact


def _write_log(machine: Machine) -> None:
    """The step's log lines are its last effects; an instance that ended writes the line it
    left unfinished."""
    journal = machine.journal
    machine.effects.extend(journal.written(ended=machine.status != "running"))
    machine.logs, machine.printing = journal.seq, journal.printing


def _reindex(machine: Machine) -> None:
    """Who waits on which node, for the tasks still running only: a machine kept for many
    steps would otherwise keep an entry for every node its tasks ever waited on."""
    machine.waiting = {}
    if len(machine.tasks) > 1:
        for task in machine.tasks.values():
            machine.waiting.update((node, task) for node in task.waits_on())


def _save(machine: Machine) -> tuple[InstanceState, bool]:
    """The machine's state (its values encoded), and whether the machine is intact: encoding
    reads an iterator that is not a list's or a range's into a list, which spends it."""
    machine._enter(machine.main)
    machine._park()
    try:
        state, encoder = _encoded(machine, StateEncoder(machine.guards.meter))
        if encoder.consumed:  # again, with every position as it is after the reads (`state`)
            state, encoder = _encoded(machine, StateEncoder(machine.guards.meter, encoder.read))
    except RecursionError:  # a value nested past VALUE_NESTING levels and far past it
        raise ValueNotSerializable(
            "the workflow's state cannot be saved: a value nests too deeply (more levels than "
            "Python's recursion limit)"
        ) from None
    return state, not encoder.consumed


def _encoded(machine: Machine, encoder: StateEncoder) -> tuple[InstanceState, StateEncoder]:
    """The machine's state, with one encoder for every stack (values they share)."""
    frames = save_frames(encoder, machine.frames)
    main = machine.main
    tasks = tuple(task.saved(encoder) for task in machine.tasks.values() if task is not main)
    memos, instance = machine.memos.saved(encoder), machine.instance.saved(encoder)
    ended = started.saved(machine.started, encoder)  # last: `load` decodes it last
    held = {
        node: value
        for node, value in machine.returned.items()
        if any(task.holds(node) for task in machine.tasks.values())
    }  # (a gather that raised leaves its other helpers' results behind)
    returned = encoder.encode(held) if held else None
    state = InstanceState(status=machine.status, next_node=machine.next_node, frames=frames,
                          wait=main.saved_wait(), logs=machine.logs,
                          printing=machine.printing, tasks=tasks, started=ended,
                          deadlines=dict(machine.deadlines), timers=dict(machine.timers),
                          groups=task_groups.saved(machine.groups), ending=machine.ending,
                          memos=memos, instance=instance, returned=returned)  # fmt: skip
    return state, encoder


def load(program: Program, guards: Bounded, state: InstanceState) -> Machine:
    """The machine of a saved state; `state` is frozen and stays as it was (a gather's list of
    calls is copied)."""
    if state.status == "running" and not state.frames and state.ending is None:
        raise StateFormatError("malformed instance state: a running instance has no frame")
    machine = Machine(program, guards)
    decoder = StateDecoder(
        program.functions, program.genexps, guards.meter
    )  # decodes in the order `save` encodes
    machine.frames.extend(load_frames(program, decoder, state.frames))
    machine.main.load_wait(state.wait)
    machine.wait, machine.calls, machine.pending = (
        machine.main.wait, machine.main.calls, machine.main.pending)  # fmt: skip
    for saved in state.tasks:
        machine.tasks[saved.node] = task_of(program, decoder, saved)
    machine.deadlines = dict(state.deadlines)
    machine.timers = {
        node: (task, depth, name) for node, (task, depth, name) in state.timers.items()
    }
    machine.groups = task_groups.loaded(state.groups)
    machine.ending = state.ending
    machine.memos.load(decoder, state.memos, {h.name: h for h in program.source.helpers})
    machine.instance.load(decoder, state.instance)
    machine.started = started.loaded(state.started, decoder)  # encoded last, by `_encoded`
    machine.returned = {} if state.returned is None else decoder.decode(state.returned)
    _reindex(machine)
    machine.next_node = state.next_node
    machine.status = state.status
    machine.logs, machine.printing = state.logs, state.printing
    return machine
