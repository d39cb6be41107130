"""The `waymark_runtime` fixture works in a project with pytest-asyncio's default settings
(strict mode, no `asyncio_mode`): a user's test run in a fresh pytest process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FLOWS = """\
from waymark import Workflow, action, workflow


@action
async def ship(order: str) -> str:
    return f"shipped {order}"


@workflow
class Fulfil(Workflow):
    async def run(self, order: str) -> str:
        return await ship(order)
"""

TESTS = """\
import asyncio

import pytest

import user_flows


async def test_with_the_fixture(waymark_runtime):
    assert await user_flows.Fulfil().run("o1") == "shipped o1"


@pytest.mark.waymark(actions={user_flows.ship: lambda order: f"faked {order}"})
async def test_with_options(waymark_runtime):
    assert await user_flows.Fulfil().run("o1") == "faked o1"


async def test_monkeypatched(waymark_runtime, monkeypatch):
    async def fake(order):
        return "patched"

    monkeypatch.setattr(user_flows, "ship", fake)
    assert await user_flows.Fulfil().run("o1") == "patched"


class TestInAClass:
    async def test_method(self, waymark_runtime):
        await asyncio.sleep(0)
        assert await user_flows.Fulfil().run("o2") == "shipped o2"
"""


def test_the_fixture_runs_under_default_pytest_asyncio_settings(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # no asyncio_mode: strict
    (tmp_path / "user_flows.py").write_text(FLOWS)
    (tmp_path / "test_user.py").write_text(TESTS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAYMARK_", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-W", "ignore::DeprecationWarning"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
