"""`LocalRuntime`: run workflows in this process, for users' unit tests.

The production path on an in-memory store: the program goes compile → print → parse → interpret,
each step is `engine.step_instance`, actions run in-process through `execute_action` (so mocks and
monkeypatches apply), concurrently for a gather. With `virtual_time=True` a clock jumps to the
next due timer or delayed retry whenever nothing is running, so `asyncio.sleep(86400)` in a
workflow finishes at once — but never while an action runs: action timeouts use real time.
"""

from __future__ import annotations

import asyncio
import random
import time
from types import TracebackType
from typing import Any

from waymark_runtime.config import Settings
from waymark_runtime.engine import (
    ActionResult,
    ClaimedAction,
    ClaimedInstance,
    NewInstance,
    Outcome,
    ProgramCache,
    limits_of,
    step_instance,
)
from waymark_runtime.errors import WorkflowFailed
from waymark_runtime.execute import execute_action
from waymark_runtime.interpreter import Limits
from waymark_runtime.store.memory import MemoryStore
from waymark_runtime.values import TypeResolver, from_json, loaded_type, to_json
from waymark_runtime.workflows import WorkflowDefinition, reset_backend, use_backend

_OWNER = "local"
_LEASE = 3600.0
_BATCH = 256


class Clock:
    """Epoch seconds; virtual clocks start at the real time and only move by `jump`."""

    def __init__(self, virtual: bool) -> None:
        self.virtual = virtual
        self._offset = 0.0
        self._frozen = time.time()

    def now(self) -> float:
        return self._frozen + self._offset if self.virtual else time.time()

    def jump(self, to: float) -> None:
        self._offset = max(self._offset, to - self._frozen)


class LocalRuntime:
    """An in-process backend: `async with LocalRuntime() as rt: await MyWorkflow().run(...)`."""

    def __init__(
        self,
        *,
        virtual_time: bool = True,
        types: TypeResolver | None = None,
        seed: int = 0,
        limits: Limits | None = None,
    ) -> None:
        """`limits`: the interpreter's, by default from the `WAYMARK_MAX_*` variables."""
        self.clock = Clock(virtual_time)
        self.limits = limits or limits_of(Settings.from_env())
        self.store = MemoryStore()
        self.types = types or loaded_type
        self._rng = random.Random(seed)
        self._programs = ProgramCache(_parse)
        self._running: set[asyncio.Task[None]] = set()
        self._driver: asyncio.Task[None] | None = None
        self._token: Any = None
        self._texts: dict[str, tuple[str, str]] = {}

    async def __aenter__(self) -> LocalRuntime:
        self._token = use_backend(self)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        reset_backend(self._token)
        await self.close()

    async def close(self) -> None:
        tasks = [t for t in (self._driver, *self._running) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._driver = None

    # -- the Backend protocol -----------------------------------------------------------------

    async def run_workflow(
        self,
        definition: WorkflowDefinition,
        inputs: dict[str, Any],
        *,
        blocking: bool,
        priority: int | None,
    ) -> Any:
        instance_id = await self.submit(definition, inputs, priority=priority or 0)
        return await self.result(instance_id) if blocking else instance_id

    async def submit(
        self, definition: WorkflowDefinition, inputs: dict[str, Any], *, priority: int = 0
    ) -> str:
        """Create an instance and return its id without waiting for it."""
        wrl, version = self._text_of(definition)
        spec = NewInstance(
            workflow=definition.name,
            version=version,
            wrl=wrl,
            inputs={k: to_json(v) for k, v in inputs.items()},
            priority=priority,
        )
        (instance_id,) = await self.store.create_instances([spec], self.clock.now())
        self._ensure_driver()
        return instance_id

    async def result(self, instance_id: str, timeout: float | None = None) -> Any:
        """Wait for an instance: its result as Python values, or raise the exception that failed it."""
        self._ensure_driver()
        outcome = await self._wait(instance_id, timeout)
        return unwrap(outcome, self.types)

    async def outcome(self, instance_id: str) -> Outcome | None:
        return await self.store.outcome(instance_id)

    async def _wait(self, instance_id: str, timeout: float | None) -> Outcome:
        waiter = asyncio.ensure_future(self.store.wait_outcome(instance_id, timeout))
        assert self._driver is not None
        await asyncio.wait({waiter, self._driver}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            self._driver.result()  # the driver crashed: surface its error
        return waiter.result()

    # -- the driver ---------------------------------------------------------------------------

    def _ensure_driver(self) -> None:
        if self._driver is None or self._driver.done():
            self._driver = asyncio.get_running_loop().create_task(self._drive())

    async def _drive(self) -> None:
        while True:
            self.store.changed.clear()
            busy = await self._turn()
            if busy:
                await asyncio.sleep(0)
            else:
                await self._idle()

    async def _turn(self) -> bool:
        """One round: step runnable instances, fire timers, start ready attempts."""
        now = self.clock.now()
        claimed = await self.store.claim_instances(_OWNER, _BATCH, now, _LEASE)
        if claimed:
            commits = [
                step_instance(c, self._load, now, self._rng, self.types, self.limits)
                for c in claimed
            ]
            await self.store.commit_steps(commits, now)
        fired = await self.store.fire_timers(now, _BATCH)
        attempts = await self.store.claim_actions(_OWNER, _BATCH, now, _LEASE)
        for attempt in attempts:
            self._start(attempt)
        return bool(claimed or fired or attempts)

    async def _idle(self) -> None:
        """Nothing runnable: wait for a running attempt or new work; else move the clock."""
        changed = asyncio.ensure_future(self.store.changed.wait())
        due = await self.store.next_due(self.clock.now())
        try:
            if self._running or due is None or not self.clock.virtual:
                limit = None if due is None else max(0.0, due - self.clock.now())
                await asyncio.wait(
                    {changed, *self._running}, timeout=limit, return_when=asyncio.FIRST_COMPLETED
                )
            else:
                self.clock.jump(due)
        finally:
            changed.cancel()

    def _text_of(self, definition: WorkflowDefinition) -> tuple[str, str]:
        """The program's `.wrl` text and version, printed here once per workflow version."""
        key = definition.version or definition.name
        if key not in self._texts or not definition.version:
            self._texts[key] = _print(definition)
        return self._texts[key]

    def _load(self, claimed: ClaimedInstance) -> Any:
        return self._programs(claimed)

    def _start(self, attempt: ClaimedAction) -> None:
        task = asyncio.get_running_loop().create_task(self._run_attempt(attempt))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run_attempt(self, attempt: ClaimedAction) -> None:
        outcome = await execute_action(
            attempt.action, attempt.args, attempt.kwargs, timeout=attempt.timeout
        )
        result = ActionResult(
            action_id=attempt.action_id,
            instance_id=attempt.instance_id,
            node=attempt.node,
            attempt=attempt.attempt,
            ok=outcome.ok,
            value=outcome.value,
        )
        await self.store.record_results([result], self.clock.now())


def unwrap(outcome: Outcome, types: TypeResolver | None = None) -> Any:
    """An outcome as the caller sees it: the result, or the failing exception raised."""
    if outcome.ok:
        return from_json(outcome.value, types=types)
    error = from_json(outcome.value, types=types)
    if not isinstance(error, BaseException):
        raise WorkflowFailed(f"workflow failed: {outcome.value!r}")
    where = outcome.value.get("where") if isinstance(outcome.value, dict) else None
    if where:
        error.add_note(f"raised in workflow function `{where['function']}`, line {where['line']}")
    raise error


def _parse(text: str) -> Any:
    from waymark_runtime.wrl import parse

    return parse(text)


def _print(definition: WorkflowDefinition) -> tuple[str, str]:
    """The program's `.wrl` text (printed here, so what runs went through print and parse)."""
    from waymark_runtime.wrl import dumps, version_of_workflow

    return dumps(definition.program), version_of_workflow(definition.program)
