"""`LocalRuntime`: run workflows in this process, for users' unit tests.

It is the production runner (`runner.Runner`: claims, leases with epochs, fenced group commits,
lost-attempt and retry handling) over a `MemoryStore` that answers the same contract as
PostgreSQL, with an in-process executor (actions run as tasks of this event loop, so mocks and
monkeypatches apply, and `actions=`/`dependencies=` replace actions and providers) and, with `virtual_time=True` (the default), a `VirtualClock`: whenever the
runner has nothing to do, the clock jumps to the next durable sleep or retry delay, so
`asyncio.sleep(86400)` in a workflow finishes at once — but never while an action runs (action
timeouts use real time). Programs still go compile → print → parse → interpret.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
from collections.abc import Callable, Hashable, Mapping
from types import TracebackType
from typing import Any, cast

from waymark_runtime.actions import Action
from waymark_runtime.admin import Admin, canonical_id
from waymark_runtime.clock import Clock, SystemClock, VirtualClock
from waymark_runtime.config import Settings
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import InternalError, UnknownInstance, WorkflowFailed
from waymark_runtime.flow import rules_of
from waymark_runtime.interpreter import Limits
from waymark_runtime.interpreter.limits import source_place
from waymark_runtime.options import StartOptions
from waymark_runtime.overrides import Overrides, remember_bindings
from waymark_runtime.runner import Runner
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.memory import MemoryStore
from waymark_runtime.tracing import start_trace
from waymark_runtime.values import TypeResolver, from_json, inputs_json
from waymark_runtime.work_orders import AttemptKey
from waymark_runtime.worker.executor import InProcessExecutor, Reports
from waymark_runtime.workflows import WorkflowDefinition, family_of, reset_backend, use_backend

_FOREVER_MS = 10**12
# One runner in this process: it holds every instance (no eviction, no lease to lose, no
# retention limit) and stops without waiting for running attempts.
_LOCAL = {
    "max_concurrent_instances": 10**9,
    "evict_sleep_threshold_ms": _FOREVER_MS,
    "lock_ttl_ms": _FOREVER_MS,
    "lock_heartbeat_ms": _FOREVER_MS // 4,
    "garbage_collector_retention_hours": 10.0**9,
    "garbage_collector_interval_ms": _FOREVER_MS,
    "shutdown_grace_seconds": 0.0,
}


_LIMITS = ("WAYMARK_MAX_STEP_OPERATIONS", "WAYMARK_MAX_COLLECTION_LENGTH",
           "WAYMARK_MAX_STRING_LENGTH", "WAYMARK_MAX_INT_DIGITS", "WAYMARK_MAX_REGEX_MILLISECONDS",
           "WAYMARK_MAX_CHILD_DEPTH",
           "WAYMARK_MAX_CHILDREN", "WAYMARK_MAX_PAYLOAD_BYTES")  # fmt: skip


def _settings(limits: Limits | None) -> Settings:
    """The local runner's settings: the interpreter's limits are the only ones read from the
    environment (as on PostgreSQL), unless `limits` are given."""
    settings = Settings.from_env({k: os.environ[k] for k in _LIMITS if k in os.environ})
    if limits is not None:
        settings = settings.replace(
            max_step_operations=limits.operations,
            max_collection_length=limits.collection_length,
            max_string_length=limits.string_length,
            max_int_digits=limits.int_digits,
            max_regex_milliseconds=limits.regex_milliseconds,
            max_payload_bytes=limits.payload_bytes,
        )
    return settings.replace(**_LOCAL)


class LocalRuntime:
    """An in-process backend: `async with LocalRuntime() as rt: await MyWorkflow().run(...)`."""

    def __init__(
        self,
        *,
        virtual_time: bool = True,
        types: TypeResolver | None = None,
        seed: int = 0,
        limits: Limits | None = None,
        actions: Mapping[Action[Any, Any] | str, Callable[..., Any]] | None = None,
        dependencies: Mapping[Callable[..., Any], Callable[..., Any]] | None = None,
    ) -> None:
        """`limits`: the interpreter's; by default from the `WAYMARK_MAX_*` limit variables.
        `actions`: replacements run instead of actions (`{ship: fake_ship}`, sync or async);
        `dependencies`: replacements of `Depends` providers (`{get_emailer: fake_emailer}`).
        A monkeypatched action applies too (`waymark_runtime.overrides`)."""
        self.overrides = Overrides.of(actions, dependencies)
        self.clock: Clock = VirtualClock() if virtual_time else SystemClock()
        self.settings = _settings(limits)
        self.store = MemoryStore(
            lost_attempt_retries=self.settings.lost_attempt_retries,
            orphaned_attempt_retries=self.settings.orphaned_attempt_retries,
        )
        self.types = types  # None: the type registry
        self._rng = random.Random(seed)
        self._runner: Runner | None = None
        self._running: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._timekeeper: asyncio.Task[None] | None = None
        self._token: Any = None
        self._texts: dict[tuple[str, str], tuple[str, str]] = {}

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
        """Stop the runner: running attempts are cancelled, nothing else is kept."""
        self._stop.set()
        if self._timekeeper is not None:
            self._timekeeper.cancel()
        if self._running is not None:
            await asyncio.gather(self._running, return_exceptions=True)
        self._running = self._timekeeper = None

    # -- the Backend protocol -----------------------------------------------------------------

    async def run_workflow(
        self, definition: WorkflowDefinition, inputs: dict[str, Any], options: StartOptions
    ) -> Any:
        instance_id = await self.submit(definition, inputs, options)
        return await self.result(instance_id) if options.blocking else instance_id

    async def submit(
        self,
        definition: WorkflowDefinition,
        inputs: dict[str, Any],
        options: StartOptions | None = None,
    ) -> str:
        """Create an instance (or join the one holding the idempotency key of `options`) and
        return its id without waiting for it."""
        options = options or StartOptions()
        wrl, version = self._text_of(definition)
        remember_bindings(definition.cls.__module__)
        now = self.clock.now()
        family = family_of(definition)
        spec = NewInstance(
            workflow=definition.name,
            version=version,
            wrl=wrl,
            inputs=inputs_json(inputs, self.settings.max_payload_bytes),
            priority=options.priority,
            idempotency_key=options.idempotency_key,
            deadline=options.deadline(now),
            trace=start_trace(definition.name),
            family=tuple(self._member(child) for child in family),
            flow=rules_of(definition, family),
        )
        self._ensure_running()
        (instance_id,) = await self.store.create_instances([spec], now)
        return instance_id

    async def result(self, instance_id: str, timeout: float | None = None) -> Any:
        """Wait for an instance: its result as Python values, or raise the exception that failed it
        (`UnknownInstance` for an id no instance has)."""
        canonical = canonical_id(instance_id)
        if await self.store.status(canonical) is None:
            raise UnknownInstance(canonical)
        running = self._ensure_running()
        waiter = asyncio.ensure_future(self.store.wait_outcome(canonical, timeout))
        await asyncio.wait({waiter, running}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            waiter.cancel()
            running.result()  # the runner crashed: surface its error
            raise InternalError("the local runner stopped before the instance finished")
        return unwrap(waiter.result(), self.types)

    async def outcome(self, instance_id: str) -> InstanceOutcome | None:
        return await self.store.outcome(instance_id)

    def admin(self) -> Admin:
        """The admin API over this runtime's instances (on its clock)."""
        return Admin(self.store, clock=self.clock.now)

    # -- the runner and its clock ---------------------------------------------------------------

    def _ensure_running(self) -> asyncio.Task[None]:
        if self._running is None or self._running.done():
            self._stop = asyncio.Event()
            # In memory a commit costs little: results are stepped at once, never put off.
            self._runner = Runner(self.store, self.settings, clock=self.clock, owner="local",
                                  executor=self._executor, types=self.types,
                                  rng=self._rng, collect_every=0)  # fmt: skip
            self._running = asyncio.get_running_loop().create_task(self._runner.run(self._stop))
            if isinstance(self.clock, VirtualClock):
                self._timekeeper = asyncio.get_running_loop().create_task(
                    _keep_time(self._runner, self.clock)
                )
        return self._running

    def _executor(self, settings: Settings, reports: Reports) -> InProcessExecutor:
        return InProcessExecutor(settings, reports, self.overrides, self._execution_ended)

    def _execution_ended(self, key: Hashable) -> None:
        """An attempt's execution ended: a slot of its action that a cancel of its instance
        left taken is free now (the limit holds while the execution goes on)."""
        instance_id, _, node, attempt = cast(AttemptKey, key)
        self.store.execution_ended(instance_id, node, attempt)

    def _member(self, definition: WorkflowDefinition) -> tuple[str, str, str]:
        """`(workflow, version, wrl)` of a workflow the instance's tree may start."""
        wrl, version = self._text_of(definition)
        return definition.name, version, wrl

    def _text_of(self, definition: WorkflowDefinition) -> tuple[str, str]:
        """The program's `.wrl` text and version, printed here once per workflow version (and
        source positions: one version compiled from moved source has other locations)."""
        key = (definition.version or definition.name, definition.wrl)
        if key not in self._texts or not definition.version:
            self._texts[key] = _print(definition)
        return self._texts[key]


async def _keep_time(runner: Runner, clock: VirtualClock) -> None:
    """Whenever the runner has settled with nothing to do, jump to its next armed timer."""
    while True:
        await _settled(runner)
        due = clock.next_due()
        if due is None:
            runner.activity.clear()
            await runner.activity.wait()
        else:
            clock.jump(due)


async def _settled(runner: Runner) -> None:
    """Return once the runner is quiescent and stays so for a few turns of the loop."""
    while True:
        runner.activity.clear()
        if runner.quiescent():
            for _ in range(3):
                await asyncio.sleep(0)
            if runner.quiescent() and not runner.activity.is_set():
                return
        else:
            await runner.activity.wait()


def unwrap(outcome: InstanceOutcome, types: TypeResolver | None = None) -> Any:
    """An outcome as the caller sees it: the result, or the failing exception raised."""
    if outcome.ok:
        return from_json(outcome.value, types=types)
    error = from_json(outcome.value, types=types)
    if not isinstance(error, BaseException):
        raise WorkflowFailed(f"workflow failed: {outcome.value!r}")
    where = outcome.value.get("where") if isinstance(outcome.value, dict) else None
    if where:
        module, function = where.get("module", ""), where["function"]
        place = source_place(where["line"], module, function)
        _add_note(error, f"raised at {place}" if module else
                  f"raised in workflow function `{function}`, {place}")  # fmt: skip
    raise error


def _add_note(error: BaseException, note: str) -> None:
    try:
        error.add_note(note)
    except dataclasses.FrozenInstanceError:  # a frozen `@dataclass` exception
        object.__setattr__(error, "__notes__", [*getattr(error, "__notes__", ()), note])


def _print(definition: WorkflowDefinition) -> tuple[str, str]:
    """The program's `.wrl` text (printed here, so what runs went through print and parse)."""
    from waymark_runtime.wrl import dumps, version_of_workflow

    return dumps(definition.program), version_of_workflow(definition.program)
