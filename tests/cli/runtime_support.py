"""Subprocess tests of the commands that use the database (`run`, `instances`, `graph
--instance`, `start-workers`, `db migrate`): a fresh database per test module, a `waymark`
process per command, and flows written into the test's directory.

The server is `WAYMARK_DATABASE_URL` when set, else an embedded one booted in a temporary
`WAYMARK_HOME` outside pytest's pruned temporary directories (as `tests/runtime` does).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.support import create_database, drop_database, stop_embedded, with_database

ROOT = Path(__file__).resolve().parents[2]
# Short leases and intervals: a resumed instance whose runner died is reclaimed in ~2 s.
FAST = {
    "WAYMARK_LOCK_TTL_MS": "2000",
    "WAYMARK_LOCK_HEARTBEAT_MS": "500",
    "WAYMARK_EXPIRED_LOCK_RECLAIMER_INTERVAL_MS": "200",
    "WAYMARK_POLL_INTERVAL_MS": "100",
    "WAYMARK_WORKER_COUNT": "1",
}


@dataclass(frozen=True)
class Completed:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server: the DSN of its maintenance database, and its `WAYMARK_HOME` when
    it is an embedded one booted for these tests."""

    dsn: str
    home: Path | None


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    url = os.environ.get("WAYMARK_DATABASE_URL")
    if url:
        yield Server(with_database(url, "postgres"), None)
        return
    with embedded() as booted:
        yield booted


@contextlib.contextmanager
def embedded() -> Iterator[Server]:
    """An embedded server in a fresh temporary `WAYMARK_HOME`, stopped and removed after."""
    from waymark_runtime.embedded import server_handle

    home = Path(tempfile.mkdtemp(prefix="waymark-cli-"))
    handle = server_handle(home)
    try:
        yield Server(handle.get_uri("postgres"), home)
    finally:
        stop_embedded(handle)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def database(server: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated database for this test module."""
    label = request.module.__name__.rpartition(".")[2].removeprefix("test_")[:20]
    dsn = create_database(server.dsn, label)
    yield dsn
    drop_database(server.dsn, dsn)


def environment(database: str | None, **extra: str) -> dict[str, str]:
    """The environment of a `waymark` process: this repository importable, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
    for name in ("NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(FAST)
    if database is not None:
        env["WAYMARK_DATABASE_URL"] = database
    env.update(extra)
    return env


def waymark(
    *args: str | Path, database: str | None, cwd: Path, timeout: float = 60, **extra: str
) -> Completed:
    """Run `waymark ARGS` to completion."""
    completed = subprocess.run(
        [sys.executable, "-m", "waymark", *map(str, args)],
        cwd=cwd,
        env=environment(database, **extra),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


class Background:
    """A `waymark` process left running: read its stderr lines, signal it, collect it."""

    def __init__(self, *args: str | Path, database: str | None, cwd: Path, **extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "waymark", *map(str, args)],
            cwd=cwd,
            env=environment(database, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        self.lines: list[str] = []

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Read stderr until a line contains `text`; returns that line."""
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            if text in line:
                return line
        self.process.kill()
        raise AssertionError(f"no {text!r} in stderr:\n{''.join(self.lines)}")

    def interrupt(self) -> None:
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 30) -> Completed:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            lines = "".join(self.lines)
            raise AssertionError(f"still running after {timeout}s:\n{lines}{err}") from None
        return Completed(self.process.returncode, out, "".join(self.lines) + err)


def instance_of(line: str) -> str:
    """The instance id in `running Workflow <id>`."""
    return line.split()[-1]


def fills(dot: str) -> dict[str, str]:
    """Node id -> its final fill colour in DOT (the status colour comes last, and wins)."""
    found = {}
    for node, attributes in re.findall(r'^\s*"([^"]+)" \[(.*)\];$', dot, re.MULTILINE):
        found[node] = re.findall(r'fillcolor="([^"]+)"', attributes)[-1]
    return found


def assert_plain(text: str) -> None:
    """Readable in a log: no escape sequences, no traceback."""
    assert "\x1b[" not in text
    assert "Traceback" not in text


FLOWS = '''\
"""Flows of the CLI runtime tests; every action appends what it does to a record file."""

import asyncio
from pathlib import Path

from waymark import Workflow, action, workflow


def note(record: str, text: str) -> None:
    with open(record, "a") as handle:
        handle.write(text + "\\n")


@action
async def step(record: str, name: str, seconds: float = 0.0) -> str:
    note(record, f"start {name}")
    await asyncio.sleep(seconds)
    note(record, f"end {name}")
    return name.upper()


@action
async def check_gate(gate: str) -> str:
    if Path(gate).exists():
        raise PermissionError(f"the gate is closed: {gate}")
    return "open"


@workflow
class Steps(Workflow):
    async def run(self, record: str, pause: float = 0.0) -> list[str]:
        first = await step(record, "first")
        second = await step(record, "second", pause)
        third = await step(record, "third")
        return [first, second, third]


@workflow
class Gated(Workflow):
    async def run(self, gate: str) -> str:
        state = await check_gate(gate)
        return f"gate {state}"


@workflow
class Branchy(Workflow):
    async def run(self, record: str, flag: bool) -> str:
        if flag:
            return await step(record, "yes")
        return await step(record, "no")


@workflow
class Tree(Workflow):
    async def run(self, record: str, depth: int) -> int:
        if depth == 0:
            await step(record, "leaf")
            return 1
        left, right = await asyncio.gather(
            Tree().run(record=record, depth=depth - 1), Tree().run(record=record, depth=depth - 1)
        )
        return left + right


@workflow
class Patient(Workflow):
    timeout = 1.0

    async def run(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "woke"
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory holding `flows.py`."""
    (tmp_path / "flows.py").write_text(FLOWS, encoding="utf-8")
    return tmp_path


def records(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def line_of(fragment: str) -> int:
    """The line of `flows.py` holding `fragment`."""
    return next(n for n, line in enumerate(FLOWS.splitlines(), 1) if fragment in line)
