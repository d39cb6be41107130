"""`start-workers` (also `waymark start-workers`): one runner and its pool of worker processes.

Reads the settings from the environment, finds the database (booting the embedded server when
`WAYMARK_DATABASE_URL` is unset), migrates it, and runs until SIGTERM or SIGINT; a second signal
stops at once. Exit status 64 for bad configuration, 70 when the runtime cannot run.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from waymark_runtime.config import ConfigError, Settings
from waymark_runtime.embedded import database_url
from waymark_runtime.errors import WaymarkError
from waymark_runtime.runner import Runner
from waymark_runtime.schedules.scheduler import run_scheduler
from waymark_runtime.store.postgres import PostgresStore, is_transient
from waymark_runtime.worker.main import import_user_modules

log = logging.getLogger("waymark.runner")

EXIT_USAGE = 64
EXIT_SOFTWARE = 70
_CONNECT_PATIENCE = 60.0


def main() -> None:
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(serve(settings))
    except WaymarkError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_SOFTWARE)


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
        scheduler = asyncio.create_task(run_scheduler(store, settings, stop))
        try:
            await runner.run(stop)
        finally:
            stop.set()  # the scheduler finishes its tick, then returns
            await scheduler
    finally:
        await store.close()


async def open_store(dsn: str, settings: Settings) -> PostgresStore:
    """Open the store, waiting (bounded) for a database that is still starting."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _CONNECT_PATIENCE
    while True:
        try:
            return await PostgresStore.open(
                dsn,
                max_size=6,
                lost_attempt_retries=settings.lost_attempt_retries,
            )
        except Exception as error:
            if not is_transient(error) or loop.time() > deadline:
                raise
            log.warning("database unavailable (%s); retrying", error)
            await asyncio.sleep(0.5)


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
