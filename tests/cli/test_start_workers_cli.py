"""The `start-workers` command line: `--help` prints usage (it does not start anything), other
arguments are usage errors, and configuration or user-module mistakes are user errors (exit 2)
with a message that says what to fix — never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from runtime_support import Server, server

from tests.cli.test_run_errors import IMPORT_FAILURES
from tests.runtime.support import with_database

__all__ = ["server"]

START_WORKERS = [sys.executable, "-c", "from waymark_runtime.worker.cli import main; main()"]


def start_workers(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "WAYMARK_HOME": str(cwd / ".waymark"), **env}
    environment.pop("WAYMARK_DATABASE_URL", None)
    environment.update(env)
    return subprocess.run([*START_WORKERS, *args], cwd=cwd, env=environment, text=True,
                          capture_output=True, timeout=60, check=False)  # fmt: skip


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_usage_and_starts_nothing(tmp_path: Path, flag: str) -> None:
    result = start_workers(flag, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: start-workers")
    assert "WAYMARK_USER_MODULE" in result.stdout and "WAYMARK_LOCK_TTL_MS" in result.stdout
    assert not (tmp_path / ".waymark").exists()  # no embedded server was booted


@pytest.mark.parametrize("args", [["--bogus"], ["extra"], ["--workers", "3"]])
def test_an_argument_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    result = start_workers(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: start-workers" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_a_usage_error(tmp_path: Path) -> None:
    result = start_workers(cwd=tmp_path, WAYMARK_WORKER_COUNT="many")
    assert result.returncode == 2
    assert result.stderr == "error: WAYMARK_WORKER_COUNT must be a positive integer, got 'many'\n"


def test_a_user_module_that_does_not_import_is_a_user_error_with_a_hint(tmp_path: Path) -> None:
    result = start_workers(cwd=tmp_path, WAYMARK_USER_MODULE="myapp.flows",
                           WAYMARK_DATABASE_URL="postgresql://127.0.0.1:1/none")  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: cannot import 'myapp.flows' (WAYMARK_USER_MODULE): "
        "ModuleNotFoundError: No module named 'myapp'"
    )
    assert lines[1].startswith("hint: ") and "PYTHONPATH" in lines[1]
    assert "Traceback" not in result.stderr


def test_a_malformed_database_url_is_a_usage_error(tmp_path: Path) -> None:
    result = start_workers(cwd=tmp_path, WAYMARK_DATABASE_URL="nonsense://db")
    assert_bad_url(result, "got scheme 'nonsense'")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("postgresql://127.0.0.1:99999/db", "Port out of range 0-65535"),
        ("postgresql://127.0.0.1:abc/db", "Port could not be cast to integer value as 'abc'"),
        ("postgresql://[::1/db", "Invalid IPv6 URL"),
        ("   ", "is set to whitespace only"),
    ],
)
def test_a_url_asyncpg_would_choke_on_is_a_usage_error(tmp_path: Path, url: str, why: str) -> None:
    assert_bad_url(start_workers(cwd=tmp_path, WAYMARK_DATABASE_URL=url), why)


def assert_bad_url(result: subprocess.CompletedProcess[str], why: str) -> None:
    """A malformed WAYMARK_DATABASE_URL is a bad `WAYMARK_*` value (exit 2), said before
    anything starts."""
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("error: WAYMARK_DATABASE_URL ") and why in line, line
    assert "Traceback" not in result.stderr


def test_a_database_that_does_not_exist_is_a_clear_failure(server: Server, tmp_path: Path) -> None:
    missing = with_database(server.dsn, "waymark_no_such_database")
    result = start_workers(cwd=tmp_path, WAYMARK_DATABASE_URL=missing)
    assert_unreachable(result, "does not exist")


def assert_unreachable(result: subprocess.CompletedProcess[str], why: str) -> None:
    assert result.returncode == 1, result.stderr
    error, hint = result.stderr.splitlines()[-2:]
    assert error.startswith("error: cannot reach the database: ") and why in error
    assert hint == "hint: check WAYMARK_DATABASE_URL"
    assert "Traceback" not in result.stderr


def test_variables_that_nothing_reads_are_named_at_start_up(tmp_path: Path) -> None:
    result = start_workers(cwd=tmp_path, WAYMARK_WEBAPP_ENABLED="true", WAYMARK_LOCK_TTL="5",
                           WAYMARK_BRIDGE_GRPC_PORT="1", WAYMARK_USER_MODULE="myapp.flows")  # fmt: skip
    assert result.returncode == 2  # the module does not import; the warnings came first
    warnings = [line.partition("WARNING waymark.runner: ")[2]
                for line in result.stderr.splitlines() if "WARNING" in line]  # fmt: skip
    assert warnings == [
        "WAYMARK_BRIDGE_GRPC_PORT has no effect: it configures the original product's Rust core, "
        "which Waymark does not have",
        "WAYMARK_LOCK_TTL is not a Waymark setting and is ignored "
        "(did you mean WAYMARK_LOCK_TTL_MS?)",
    ]  # WAYMARK_WEBAPP_ENABLED is a setting now: the dashboard


@pytest.mark.parametrize(("tail", "said"), IMPORT_FAILURES)
def test_a_user_module_that_exits_or_raises_oddly_at_import_is_a_user_error(
    tmp_path: Path, tail: str, said: str
) -> None:
    (tmp_path / "oddflows.py").write_text(tail, encoding="utf-8")
    result = start_workers(cwd=tmp_path, WAYMARK_USER_MODULE="oddflows",
                           WAYMARK_DATABASE_URL="postgresql://127.0.0.1:1/none")  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        f"error: cannot import 'oddflows' (WAYMARK_USER_MODULE): {said}"
    )
    assert "Traceback" not in result.stderr
