"""`start-workers` (also `waymark start-workers`): one runner and its pool of worker processes.

Reads the settings from the environment, finds the database (booting the embedded server when
`WAYMARK_DATABASE_URL` is unset), migrates it, and runs until SIGTERM or SIGINT; a second signal
stops at once. It takes no arguments but `--help`. Exit statuses follow every `waymark` command:
2 for a usage error (arguments, configuration, user modules that do not import), 1 when the
runtime cannot run (database unreachable, worker processes that do not start), 70 for a bug.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import signal
import sys
import traceback
from importlib.metadata import entry_points

import asyncpg

from waymark_runtime import metrics
from waymark_runtime.config import ConfigError, Settings, ignored_variables, variable_names
from waymark_runtime.embedded import database_url
from waymark_runtime.errors import DatabaseUnreachable, WaymarkError
from waymark_runtime.logs import configure_logging
from waymark_runtime.runner import Runner
from waymark_runtime.schedules.scheduler import run_scheduler
from waymark_runtime.store.pg_listen import Listener
from waymark_runtime.store.postgres import PostgresStore, is_transient
from waymark_runtime.worker.main import UserModuleError, import_user_modules

log = logging.getLogger("waymark.runner")

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_SOFTWARE = 70
_CONNECT_PATIENCE = 60.0
_QUEUE_GAUGES_INTERVAL = 5.0  # seconds between the queries behind the queue gauges
_MODULE_HINT = (
    "hint: WAYMARK_USER_MODULE names importable modules (`myapp.workflows`); run start-workers "
    "from your project's directory or put it on PYTHONPATH"
)


def main(argv: list[str] | None = None) -> None:
    """The `start-workers` script; `argv` defaults to the command line's arguments."""
    _parser().parse_args(sys.argv[1:] if argv is None else argv)  # exits 2 on a bad argument
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        _exit(EXIT_USAGE, f"error: {error}")
    configure_logging(settings.log_level, settings.log_format)
    for warning in ignored_variables():
        log.warning("%s", warning)
    try:
        asyncio.run(serve(settings))
    except UserModuleError as error:
        _exit(EXIT_USAGE, f"error: {error}\n{_MODULE_HINT}")
    except DatabaseUnreachable as error:
        _exit(EXIT_FAILURE, f"error: {error}\nhint: check WAYMARK_DATABASE_URL")
    except WaymarkError as error:
        _exit(EXIT_FAILURE, f"error: {error}")
    except Exception as error:
        traceback.print_exc()
        _exit(EXIT_SOFTWARE, f"error: internal error ({error}); this is a bug in waymark")


class MetricsUnavailable(WaymarkError):
    """cannot serve metrics at WAYMARK_METRICS_ADDR"""


def _exit(status: int, message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(status)


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="start-workers",
        description="Run a Waymark runner and its worker processes until SIGTERM or Ctrl-C "
        "(a second signal stops at once). Configured only by environment variables; see "
        "docs/operations.md for what each means and its default.",
        epilog="environment variables: " + ", ".join(variable_names()),
    )


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run a runner until `stop` is set (or a signal arrives).

    The runner imports the user modules too, never to run actions (workers do) but so that
    the classes workflows construct (models, exceptions) can be found by the interpreter.
    """
    import_user_modules(settings)
    dsn = await asyncio.to_thread(database_url, settings)
    store = await open_store(dsn, settings)
    stop = stop or asyncio.Event()
    _on_signals(stop)
    try:
        runner = Runner(store, settings)
        log.info(
            "runner %s: %s workers x %s concurrent actions",
            runner.owner,
            settings.worker_count,
            settings.concurrent_per_worker,
        )
        webapp = await _start_webapp(settings, dsn, stop) if settings.webapp_enabled else None
        listener = runner.listener if isinstance(runner.listener, Listener) else None
        scheduler = asyncio.create_task(run_scheduler(store, settings, stop, listener))
        gauges = _serve_metrics(settings, store, runner)
        try:
            await runner.run(stop)
        finally:
            stop.set()  # the scheduler finishes its tick, then returns
            await scheduler
            if gauges is not None:
                gauges.cancel()
                metrics.disable()
            if webapp is not None:
                await webapp
    finally:
        await store.close()


def _serve_metrics(
    settings: Settings, store: PostgresStore, runner: Runner
) -> asyncio.Task[None] | None:
    """With `WAYMARK_METRICS_ADDR`: serve `/metrics` there, and refresh the queue gauges."""
    if settings.metrics_addr is None:
        return None
    try:
        recording = metrics.enable(settings.metrics_addr)
    except OSError as error:
        raise MetricsUnavailable(
            f"cannot serve metrics on {settings.metrics_addr}: {error}"
        ) from error
    log.info("metrics on http://%s/metrics", settings.metrics_addr)
    interval = max(settings.poll_interval_ms / 1000, _QUEUE_GAUGES_INTERVAL)
    return asyncio.create_task(metrics.refresh_queue(recording, store, runner.clock, interval))


async def _start_webapp(settings: Settings, dsn: str, stop: asyncio.Event) -> asyncio.Task[None]:
    """Serve the dashboard (`WAYMARK_WEBAPP_ENABLED`) until `stop`; it is found through the
    `waymark.webapp` entry point, so this package never imports it. Returns once it listens;
    a refused address or a busy port ends start-up with the reason."""
    found = list(entry_points(group="waymark.webapp"))
    if not found:
        raise WaymarkError(
            "WAYMARK_WEBAPP_ENABLED is true but the dashboard is not installed "
            "(pip install 'waymark[dashboard]')"
        )
    serve = found[0].load()
    started = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, dsn=dsn, started=started))
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if task.done():
        await task  # raises why it could not start
    return task


async def open_store(dsn: str, settings: Settings) -> PostgresStore:
    """Open the store, waiting (bounded) for a database that is still starting."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _CONNECT_PATIENCE
    for attempt in itertools.count():
        try:
            return await PostgresStore.open(
                dsn, max_size=6, lost_attempt_retries=settings.lost_attempt_retries,
                orphaned_attempt_retries=settings.orphaned_attempt_retries,
                idle_in_transaction_ms=settings.lock_ttl_ms,
            )  # fmt: skip
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            if not is_transient(error) or loop.time() > deadline:
                raise DatabaseUnreachable(f"cannot reach the database: {error}") from error
            if attempt == 0:
                log.warning("database unavailable (%s); retrying", error)
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


def _on_signals(stop: asyncio.Event) -> None:
    """First SIGTERM/SIGINT: graceful stop. Second: exit now (attempts count as lost)."""
    loop = asyncio.get_running_loop()

    def handle(signum: int) -> None:
        if stop.is_set():
            log.warning("second signal: exiting now")
            sys.exit(1)
        log.info("received %s: finishing running attempts", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, handle, signum)
