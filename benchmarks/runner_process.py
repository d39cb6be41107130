"""A real `start-workers` process on the benchmark database: start, probe, measure, stop.

The runtime workloads go through the production path: the suite's process is only a client, and
this process (one runner and its worker pool, loading `benchmarks.workflows`) does the work.
With a profile directory, the runner runs under pyinstrument and writes its profile on exit.
It starts and stops only its own process, by pid.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from benchmarks.database import BENCH_DATABASE_ENV
from benchmarks.machine import rss_mb, tree_cpu_seconds

T = TypeVar("T")
USER_MODULE = "benchmarks.workflows"
_REPO_ROOT = Path(__file__).resolve().parent.parent
_STOP_PATIENCE = 30.0


class RunnerDied(RuntimeError):
    """The `start-workers` process exited while the suite needed it."""


class RunnerProcess:
    def __init__(
        self, dsn: str, concurrency: int, log_path: Path, profile: Path | None,
        extra_env: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.dsn = dsn
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.log_path = log_path
        self.profile = profile
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self._command(), env=self._environment(), stdout=self._log, stderr=subprocess.STDOUT
        )

    def _command(self) -> list[str]:
        script = Path(sys.executable).with_name("start-workers")
        command = [str(script)] if script.exists() else [sys.executable, "-c", _INLINE_MAIN]
        if self.profile is None:
            return command
        if not script.exists():
            raise RuntimeError("profiling needs the `start-workers` script next to the interpreter")
        return [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(self.profile),
                str(script)]  # fmt: skip

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop(BENCH_DATABASE_ENV, None)  # the suite's, not a Waymark setting the runner reads
        path = env.get("PYTHONPATH")
        env["PYTHONPATH"] = f"{_REPO_ROOT}{os.pathsep}{path}" if path else str(_REPO_ROOT)
        env["WAYMARK_DATABASE_URL"] = self.dsn
        env["WAYMARK_USER_MODULE"] = USER_MODULE
        env["WAYMARK_CONCURRENT_PER_WORKER"] = str(self.concurrency)
        env.setdefault("WAYMARK_LOG_LEVEL", "WARNING")
        env.update(self.extra_env)
        return env

    async def wait_ready(self, probe: Callable[[], Awaitable[Any]], timeout: float) -> float:
        """Run `probe` (a one-action workflow) until it returns; the seconds it took."""
        started = time.perf_counter()
        await self.watch(probe(), timeout)
        return time.perf_counter() - started

    async def watch(self, awaitable: Awaitable[T], timeout: float) -> T:
        """Await `awaitable` while watching the runner: a client would wait forever on a dead
        runner, so its death (or `timeout` seconds) ends the wait with `RunnerDied`."""
        task = asyncio.ensure_future(awaitable)
        deadline = time.perf_counter() + timeout
        try:
            while not task.done():
                self.check_alive()
                if time.perf_counter() > deadline:
                    raise RunnerDied(
                        f"no answer from start-workers in {timeout:.0f} s{self.tail()}"
                    )
                await asyncio.wait({task}, timeout=0.2)
            return task.result()
        finally:
            task.cancel()

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RunnerDied(f"start-workers exited with {self.process.returncode}{self.tail()}")

    def rss_mb(self) -> float:
        """The runner's own resident memory (its worker processes are not counted)."""
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        """CPU time the runner and its worker processes used so far."""
        seconds = tree_cpu_seconds(self.pid)
        if seconds is None:
            raise RuntimeError(
                f"cannot read the CPU time of process {self.pid} (is /proc available?)"
            )
        return seconds

    def tail(self, lines: int = 6) -> str:
        """The end of the runner's log, for an error message (the whole log stays on disk)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        last = [line[:200] for line in text.splitlines()[-lines:]]
        return f"; its log ({self.log_path}) ends with:\n" + "\n".join(last) if last else ""

    async def stop(self) -> None:
        """SIGTERM (a graceful stop), then SIGKILL if it does not exit in time."""
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(process.wait, _STOP_PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)
        if self._log is not None:
            self._log.close()
            self._log = None


_INLINE_MAIN = "from waymark_runtime.worker.cli import main; main()"
