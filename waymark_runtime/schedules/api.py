"""The public schedule functions, and `Schedules`, the same operations bound to one store.

`schedule_workflow`, `pause_schedule`, `resume_schedule`, `delete_schedule` and `list_schedules`
run on the current backend's PostgreSQL store; the CLI builds a `Schedules` on its own store.
Everything is validated here before a row is written; "now" is always the store's clock. This
module never fires a schedule (the scheduler does) and never compiles a workflow.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import clipped, close_match
from waymark_runtime.flow import rules_of
from waymark_runtime.inputs import InvalidInputError
from waymark_runtime.options import checked_flag, checked_name, checked_priority
from waymark_runtime.reaching import Effect, reached
from waymark_runtime.schedules.cadence import (
    first_slot,
    jitter_offset,
    parse_cadence,
    parse_jitter,
)
from waymark_runtime.schedules.model import (
    STATUSES,
    InvalidScheduleError,
    NewSchedule,
    ScheduleError,
    ScheduleInfo,
    ScheduleNotFoundError,
    ScheduleStatus,
    UnknownWorkflowError,
)
from waymark_runtime.workflows import (
    Workflow,
    WorkflowDefinition,
    current_backend,
    family_of,
    registered_workflow,
    registered_workflows,
)

if TYPE_CHECKING:
    from waymark_runtime.store.postgres import PostgresStore

__all__ = [
    "Schedules",
    "WorkflowRef",
    "delete_schedule",
    "list_schedules",
    "pause_schedule",
    "resume_schedule",
    "schedule_workflow",
]

WorkflowRef = type[Workflow] | str
"""A `@workflow` class, or its registry name."""

_RNG = random.Random()


class Schedules:
    """Schedule operations on one PostgreSQL store."""

    def __init__(self, store: PostgresStore, rng: random.Random | None = None) -> None:
        from waymark_runtime.schedules.rows import ScheduleRows  # asyncpg: imported on use

        self.store = store
        self.rows = ScheduleRows(store)
        self.rng = rng or _RNG

    async def register(
        self,
        workflow: WorkflowRef,
        schedule_name: str,
        schedule: str | timedelta,
        *,
        inputs: Mapping[str, Any] | None = None,
        jitter: timedelta | None = None,
        allow_duplicate: bool = False,
        priority: int | None = None,
    ) -> str:
        """Create or update a schedule; see `schedule_workflow`."""
        definition = definition_of(workflow)
        cadence = parse_cadence(schedule)
        jitter_seconds = parse_jitter(jitter, cadence)
        now = _now()
        slot = first_slot(cadence, now)
        new = NewSchedule(
            workflow=definition.name,
            name=_checked_name(schedule_name),
            cadence=cadence,
            inputs=_checked_inputs(definition, inputs),
            jitter_seconds=jitter_seconds,
            allow_duplicate=checked_flag(allow_duplicate, "allow_duplicate", InvalidScheduleError),
            priority=checked_priority(priority, "priority", InvalidScheduleError),
            slot=slot,
            run_at=slot + jitter_offset(jitter_seconds, self.rng),
            version=definition.version,
            wrl=definition.wrl,
        )
        # the concurrency limits and default deadlines its runs and their children live by
        await self.store.keep_rules(rules_of(definition, family_of(definition)))
        return await self.rows.upsert(new, now)

    async def pause(self, workflow: WorkflowRef, schedule_name: str) -> None:
        await self._set_status(workflow, schedule_name, "paused")

    async def resume(self, workflow: WorkflowRef, schedule_name: str) -> None:
        await self._set_status(workflow, schedule_name, "active")

    async def _set_status(
        self, workflow: WorkflowRef, schedule_name: str, status: ScheduleStatus
    ) -> None:
        name = workflow_name_of(workflow)
        if not await self.rows.set_status(name, _checked_name(schedule_name), status, _now()):
            raise _not_found(name, schedule_name)

    async def delete(self, workflow: WorkflowRef, schedule_name: str) -> None:
        name = workflow_name_of(workflow)
        if not await self.rows.delete(name, _checked_name(schedule_name)):
            raise _not_found(name, schedule_name)

    async def select(
        self,
        status_filter: ScheduleStatus | None = None,
        *,
        workflow: WorkflowRef | None = None,
        schedule_name: str | None = None,
    ) -> list[ScheduleInfo]:
        """Schedules ordered by workflow then name, optionally filtered."""
        if status_filter is not None and status_filter not in STATUSES:
            raise InvalidScheduleError(
                f"status_filter must be one of {', '.join(STATUSES)}, got {status_filter!r}"
            )
        name = None if workflow is None else workflow_name_of(workflow)
        if schedule_name is not None:
            _checked_name(schedule_name)
        return await self.rows.select(status=status_filter, workflow=name, name=schedule_name)


@reached(Effect.REPEATABLE)
async def schedule_workflow(
    workflow: WorkflowRef,
    schedule_name: str,
    schedule: str | timedelta,
    *,
    inputs: Mapping[str, Any] | None = None,
    jitter: timedelta | None = None,
    allow_duplicate: bool = False,
    priority: int | None = None,
) -> str:
    """Run `workflow` on a 5-field cron expression (UTC) or every `timedelta`; returns the id.

    Keyed by (workflow name, `schedule_name`): registering again (every deploy) updates the
    schedule and keeps its next fire time when the cadence is unchanged. `inputs` are the
    arguments of `run()`; each fire is delayed by up to `jitter`; with `allow_duplicate=False`
    no run is queued while the previous run of this schedule is unfinished.
    """
    schedules = await _schedules()
    return await schedules.register(workflow, schedule_name, schedule, inputs=inputs,
                                    jitter=jitter, allow_duplicate=allow_duplicate,
                                    priority=priority)  # fmt: skip


@reached(Effect.REPEATABLE)
async def pause_schedule(workflow: WorkflowRef, schedule_name: str) -> None:
    """Stop firing a schedule until `resume_schedule`; queued runs are left alone."""
    await (await _schedules()).pause(workflow, schedule_name)


@reached(Effect.REPEATABLE)
async def resume_schedule(workflow: WorkflowRef, schedule_name: str) -> None:
    """Fire a paused schedule again: a fire missed while paused happens once, at once."""
    await (await _schedules()).resume(workflow, schedule_name)


@reached(Effect.DELETE)
async def delete_schedule(workflow: WorkflowRef, schedule_name: str) -> None:
    """Remove a schedule; runs it already queued are left alone."""
    await (await _schedules()).delete(workflow, schedule_name)


@reached(Effect.READ)
async def list_schedules(status_filter: ScheduleStatus | None = None) -> list[ScheduleInfo]:
    """Every schedule (or those `active` / `paused`), ordered by workflow then name."""
    return await (await _schedules()).select(status_filter)


async def _schedules() -> Schedules:
    from waymark_runtime.client import PostgresClient

    backend = current_backend()
    if not isinstance(backend, PostgresClient):
        raise ScheduleError(
            f"schedules live in PostgreSQL; the current backend is {type(backend).__name__}"
        )
    return Schedules(await backend.store())


def _now() -> float:
    from waymark_runtime.store import postgres

    return postgres.now()


def definition_of(workflow: WorkflowRef) -> WorkflowDefinition:
    """The compiled definition of a `@workflow` class or of a registered workflow name."""
    if isinstance(workflow, str):
        found = registered_workflow(workflow)
        if found is None:
            raise UnknownWorkflowError(_unknown_name(workflow))
        return found
    if isinstance(workflow, type) and issubclass(workflow, Workflow):
        definition = workflow.__dict__.get("__waymark_definition__")
        if isinstance(definition, WorkflowDefinition):
            return definition
        raise UnknownWorkflowError(
            f"{workflow.__name__} is not a compiled workflow; decorate it with @workflow"
        )
    raise UnknownWorkflowError(
        f"expected a @workflow class or a workflow name, got {clipped(workflow)}"
    )


def workflow_name_of(workflow: WorkflowRef) -> str:
    """The registry name, for operations that need no compiled definition."""
    if isinstance(workflow, str):
        return checked_name(workflow, "workflow name", InvalidScheduleError)
    if isinstance(workflow, type) and issubclass(workflow, Workflow):
        definition = workflow.__dict__.get("__waymark_definition__")
        if isinstance(definition, WorkflowDefinition):
            return definition.name
        return workflow.workflow_name()
    raise UnknownWorkflowError(
        f"expected a @workflow class or a workflow name, got {clipped(workflow)}"
    )


def _unknown_name(name: str) -> str:
    known = sorted(registered_workflows())
    close = close_match(name, known)
    if close:
        return f"unknown workflow {clipped(name)} (did you mean {close!r}?)"
    listed = ", ".join(known) if known else "none"
    return (f"unknown workflow {clipped(name)}: not registered in this process "
            f"(registered: {listed})")  # fmt: skip


def _not_found(workflow: str, schedule_name: str) -> ScheduleNotFoundError:
    return ScheduleNotFoundError(
        f"no schedule {clipped(schedule_name)} for workflow {clipped(workflow)}"
    )


def _checked_name(schedule_name: str) -> str:
    return checked_name(schedule_name, "schedule_name", InvalidScheduleError)


def _checked_inputs(definition: WorkflowDefinition, inputs: Mapping[str, Any] | None) -> Any:
    """The inputs bound to `run()`'s parameters and validated into its annotations (as a call
    would be), as JSON values."""
    if inputs is not None and not isinstance(inputs, Mapping):
        raise InvalidScheduleError(
            f"inputs must be a mapping of run() arguments, got {clipped(inputs)}"
        )
    from waymark_runtime.values import to_json

    try:
        return to_json(definition.bind_inputs((), dict(inputs or {})))
    except InvalidInputError as error:  # validated as run() validates them
        raise InvalidScheduleError(str(error)) from None
    except TypeError as error:
        raise InvalidScheduleError(
            f"inputs do not match {definition.name}.run(): {error}"
        ) from None
    except Exception as error:  # too deep to store (bind_inputs), or not JSON (to_json)
        raise InvalidScheduleError(
            f"inputs of {definition.name} do not serialize: {error}"
        ) from None
