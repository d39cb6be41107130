"""The database side of the CLI: settings, opening the store, the admin API, snapshots.

Commands that touch PostgreSQL (`run`, `instances`, `graph --instance`, `db migrate`) go through
here: `WAYMARK_DATABASE_URL`, or the embedded server under `WAYMARK_HOME` (booted on first use,
and said so). Bad settings are usage errors, an unreachable server a `CliError`; no tracebacks.
Instances are read and changed through `waymark_runtime.admin`, whose refusals become CLI errors
here (`refusals`). It holds no command logic.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from waymark_compiler.cli._output import CliError, UsageFailure, err
from waymark_runtime.errors import clipped

if TYPE_CHECKING:
    from waymark_compiler.cli._placement import Snapshot
    from waymark_runtime.admin import Admin, AttemptRecord, InstanceDetail
    from waymark_runtime.config import Settings
    from waymark_runtime.store.postgres import PostgresStore

T = TypeVar("T")
S = TypeVar("S", bound="PostgresStore")

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class Interrupted(CliError):
    """Ctrl-C: the command stopped early."""

    exit_code = EXIT_INTERRUPTED


def load_settings(**changes: Any) -> Settings:
    """The runtime settings from the environment; a bad variable is a usage error."""
    from waymark_runtime.config import ConfigError, Settings

    try:
        settings = Settings.from_env()
        return settings.replace(**changes) if changes else settings
    except ConfigError as failure:
        raise UsageFailure(str(failure)) from failure


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, with Ctrl-C reported as an interruption rather than a traceback."""
    try:
        return asyncio.run(coroutine)
    except KeyboardInterrupt:
        raise Interrupted("interrupted") from None


async def database_url(settings: Settings) -> str:
    """The DSN, booting the embedded server (announced the first time) when none is set."""
    from waymark_runtime.embedded import EmbeddedServerError, database_url

    if not settings.database_url and not (settings.home / "pgdata").exists():
        err(f"starting the embedded PostgreSQL in {settings.home} (first run only)")
    try:
        return await asyncio.to_thread(database_url, settings)
    except EmbeddedServerError as failure:
        raise CliError(
            str(failure).splitlines()[0], "set WAYMARK_DATABASE_URL to use another server"
        ) from failure


async def open_store(settings: Settings, kind: type[S]) -> S:
    """Open (and migrate) a store of class `kind` (`PostgresStore` or a subclass)."""
    from waymark_runtime.store.postgres import is_transient

    dsn = await database_url(settings)
    try:
        opened = await kind.open(
            dsn, max_size=4, lost_attempt_retries=settings.lost_attempt_retries,
            orphaned_attempt_retries=settings.orphaned_attempt_retries,
        )  # fmt: skip
    except Exception as failure:
        if not (is_transient(failure) or _is_postgres_error(failure)):
            raise
        raise not_reached(failure) from failure
    return cast(S, opened)  # `open` is a classmethod typed with the base class


def not_reached(failure: BaseException) -> CliError:
    """The error of a command that could not connect at all (no server, a bad DSN, role or
    database): the same words for every command."""
    return CliError(f"cannot reach the database: {failure}", CHECK_URL)


def _is_postgres_error(failure: BaseException) -> bool:
    import asyncpg

    return isinstance(failure, asyncpg.PostgresError | asyncpg.InterfaceError)


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[PostgresStore]:
    from waymark_runtime.store.postgres import PostgresStore

    store = await open_store(settings, PostgresStore)
    try:
        with unreachable():
            yield store
    finally:
        with unreachable():
            await store.close()


UNSURE = (
    "check that PostgreSQL is up; a change the command was making may or may not have taken effect"
)
CHECK_URL = "check WAYMARK_DATABASE_URL (unset, the embedded server under WAYMARK_HOME is used)"


@contextmanager
def unreachable(hint: str = UNSURE) -> Iterator[None]:
    """A connection refused or lost while a command works (an outage): a one-line error, not
    the driver's traceback as an internal error; `hint` says what became of the work."""
    from waymark_runtime.errors import import_failure
    from waymark_runtime.reaching import unreached

    try:
        yield
    except Exception as failure:
        if not unreached(failure):
            raise
        raise CliError(f"cannot reach the database: {import_failure(failure)}", hint) from None


def user_modules(settings: Settings) -> None:
    """Import the modules of WAYMARK_USER_MODULE (as a worker does), so their classes are
    the user's; one that does not import is an error naming it."""
    from waymark_runtime.worker.main import UserModuleError, import_user_modules

    try:
        import_user_modules(settings)
    except UserModuleError as failure:
        raise CliError(str(failure)) from None


def instance_id(text: str) -> str:
    """An instance id as the database spells it; anything else is a usage error."""
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise UsageFailure(
            f"not an instance id: {clipped(text)}",
            "ids look like 3f2b8c1e-…; see `waymark instances list`",
        ) from None


@asynccontextmanager
async def administered(settings: Settings) -> AsyncIterator[Admin]:
    """The admin API over the database of `settings`; its refusals are CLI errors."""
    from waymark_runtime.admin import Admin

    async with connected(settings) as store:
        with refusals():
            yield Admin(store)


@contextmanager
def refusals() -> Iterator[None]:
    """An unknown instance or a bad argument is a usage error (exit 2), a status that does
    not allow what was asked an error (exit 1)."""
    from waymark_runtime.errors import (
        InstanceStateError,
        InvalidSignalPayload,
        SignalError,
        SignalRefused,
        UnknownInstance,
        UnknownSignal,
    )
    from waymark_runtime.options import InvalidOptionError

    try:
        yield
    except UnknownInstance as refused:
        raise UsageFailure(str(refused), "see `waymark instances list`") from None
    except SignalRefused as refused:
        if refused.status is None:
            raise UsageFailure(str(refused), "see `waymark instances list`") from None
        raise CliError(str(refused)) from None
    except (UnknownSignal, InvalidSignalPayload) as refused:
        raise UsageFailure(str(refused), "see its waits with `waymark instances show ID`") from None
    except SignalError as refused:
        raise CliError(str(refused)) from None
    except InvalidOptionError as refused:
        raise UsageFailure(str(refused)) from None
    except InstanceStateError as refused:
        raise CliError(str(refused)) from None


async def inspected(store: PostgresStore, instance: str) -> tuple[InstanceDetail, Snapshot]:
    """One instance's admin record, and its snapshot with its stored program (never the user's
    module); an unknown id is a usage error."""
    from waymark_runtime.admin import Admin

    with refusals():
        detail = await Admin(store).show(instance)
    program = await load_program(store, detail.summary.workflow, detail.summary.version)
    return detail, snapshot_of(detail, program)


async def instance_document(store: PostgresStore, detail: InstanceDetail) -> dict[str, Any]:
    """The JSON document of an instance: plain values (a model as its fields, never the stored
    `$t` form), ISO times and each call's site and line on its stored program. It is what
    `waymark instances show --format json` prints and the dashboard's export gives."""
    from waymark_compiler.cli._show import show_json
    from waymark_compiler.cli.instances_command import traced

    program = await load_program(store, detail.summary.workflow, detail.summary.version)
    return show_json(detail, traced(snapshot_of(detail, program))[1])


async def load_snapshot(store: PostgresStore, instance: str) -> Snapshot:
    """Everything about one instance, with its program; an unknown id is a usage error."""
    return (await inspected(store, instance))[1]


def snapshot_of(detail: InstanceDetail, program: Any) -> Snapshot:
    """The inspection view of an instance (`_placement.Snapshot`), from its admin record."""
    from dataclasses import asdict

    from waymark_compiler.cli._placement import Snapshot

    summary = detail.summary
    return Snapshot(
        id=summary.id, workflow=summary.workflow, version=summary.version,
        status=summary.status, priority=summary.priority, inputs=detail.inputs,
        result=detail.result, error=detail.error, created_at=summary.created_at,
        updated_at=summary.updated_at, finished_at=summary.finished_at,
        attempts=[attempt_row(attempt) for attempt in detail.attempts],
        sleeps=[asdict(sleep) for sleep in detail.sleeps], program=program,
        signals=[asdict(signal) for signal in detail.signals],
    )  # fmt: skip


def attempt_row(attempt: AttemptRecord) -> dict[str, Any]:
    """An attempt record as a row of the `instance_attempts` query (what `_placement` reads)."""
    from dataclasses import fields

    row = {field.name: getattr(attempt, field.name) for field in fields(attempt)}
    return {**row, "timeout_seconds": attempt.timeout}


_PROGRAMS: dict[tuple[str, str], Any] = {}
_UNREADABLE: dict[tuple[str, str], str] = {}


async def load_program(store: PostgresStore, workflow: str, version: str) -> Any:
    """The parsed program of a stored version (None when missing or unreadable: `unreadable`
    says why), cached."""
    key = (workflow, version)
    if key not in _PROGRAMS:
        from waymark_runtime import wrl
        from waymark_runtime.errors import WrlSyntaxError

        text = await store.program_of(workflow, version)
        _PROGRAMS[key] = None
        if text is None:
            _UNREADABLE[key] = "it is missing from the database"
        else:
            try:
                _PROGRAMS[key] = wrl.parse(text)
            except WrlSyntaxError as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                _UNREADABLE[key] = f"the stored text does not parse ({first})"
    return _PROGRAMS[key]


def unreadable(workflow: str, version: str) -> str:
    """Why `load_program` found no program for a version (after it looked)."""
    return _UNREADABLE.get((workflow, version), "it could not be read")
