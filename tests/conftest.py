"""Shared pytest options and fixtures: `--update-goldens` regenerates golden files instead of
comparing; no test inherits a worker-process flag another test set."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files (.wrl, .txt) from the current output instead of comparing",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fault: kills processes or the database on purpose")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(autouse=True)
def no_worker_process_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """`WAYMARK_WORKER_PROCESS=1` marks a worker process; a test that runs start-up code in this
    process sets it, and it must not leak into later tests or the subprocesses they start (a
    workflow module imported with it set is not compiled)."""
    monkeypatch.delenv("WAYMARK_WORKER_PROCESS", raising=False)
