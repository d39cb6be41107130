"""What a workload runs against: the scale, the database, the client and the runner process.

At most one runner is alive at a time (two would share the work and blur every number); a
workload asks for one with the concurrency it needs and gets the current one when it matches.
The client is the production `PostgresClient`, made the current backend of `Workflow.run()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.database import Database
from benchmarks.runner_process import RunnerProcess
from benchmarks.spec import Scale
from benchmarks.workflows import BenchOneAction
from waymark_runtime.client import PostgresClient

_READY_TIMEOUT = 60.0


@dataclass(slots=True)
class Runners:
    """Starts `start-workers` processes on demand, one at a time."""

    dsn: str
    log_dir: Path
    profile_dir: Path | None
    current: RunnerProcess | None = None
    count: int = 0
    started: list[dict[str, Any]] = field(default_factory=list)

    async def get(
        self, concurrency: int, *, fresh: bool = False, env: dict[str, str] | None = None
    ) -> RunnerProcess:
        """A runner with `concurrency` per worker and `env` on top of the suite's environment."""
        current = self.current
        same = current is not None and current.extra_env == (env or {})
        if current is not None and same and not fresh and current.concurrency == concurrency:
            current.check_alive()
            return current
        await self.close()
        return await self._start(concurrency, env)

    async def _start(self, concurrency: int, env: dict[str, str] | None = None) -> RunnerProcess:
        self.count += 1
        log_path = self.log_dir / f"runner-{self.count}.log"
        profile = None
        if self.profile_dir is not None:
            profile = self.profile_dir / f"runner-{self.count}-c{concurrency}.txt"
        runner = RunnerProcess(self.dsn, concurrency, log_path, profile, env)
        runner.start()
        try:
            seconds = await runner.wait_ready(lambda: BenchOneAction().run(0), _READY_TIMEOUT)
        except BaseException:
            await runner.stop()  # a runner that never answered is no use to the next workload
            raise
        self.current = runner
        self.started.append({"concurrency": concurrency, "ready_seconds": seconds,
                             "log": str(log_path), "profile": str(profile) if profile else None})  # fmt: skip
        return runner

    async def close(self) -> None:
        if self.current is not None:
            runner, self.current = self.current, None
            await runner.stop()


@dataclass(slots=True)
class Context:
    scale: Scale
    database: Database | None
    client: PostgresClient | None
    runners: Runners | None
    worker_count: int
    concurrency: int

    def require(self) -> tuple[Database, PostgresClient, Runners]:
        """The database side, which every runtime workload needs."""
        if self.database is None or self.client is None or self.runners is None:
            raise RuntimeError("this workload needs the database")
        return self.database, self.client, self.runners
