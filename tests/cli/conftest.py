"""Fixtures for the CLI tests: a scratch copy of the fixture sources and a `waymark` runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import FIXTURES, Completed, Waymark, run_waymark


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A scratch directory holding a copy of the fixture sources."""
    for source in FIXTURES.rglob("*.py"):
        target = tmp_path / source.relative_to(FIXTURES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return tmp_path


@pytest.fixture
def waymark(workdir: Path) -> Waymark:
    def run(
        *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120
    ) -> Completed:
        return run_waymark(*args, cwd=workdir, env=env, timeout=timeout)

    return run
