"""One database per project: `WAYMARK_HOME` defaults to `.waymark` at the project root (the
nearest directory with `pyproject.toml` or `.git`), whatever subdirectory a command runs in, and
`waymark db status|url|stop|shell` say which database that is and manage its embedded server.
A test that forgot its `LocalRuntime` gets a clear error instead of booting a server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from runtime_support import database, environment, server

from waymark_runtime.config import Settings, project_root

__all__ = ["database", "server"]

WAYMARK = [sys.executable, "-m", "waymark"]


def waymark(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """`waymark ARGS` with no WAYMARK_* variable set but those given."""
    return subprocess.run([*WAYMARK, *args], cwd=cwd, env=environment(None, **env), input=stdin,
                          text=True, capture_output=True, timeout=120, check=False)  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "src" / "app").mkdir(parents=True)
    return tmp_path


def test_the_project_root_is_the_nearest_marker(project: Path, tmp_path: Path) -> None:
    deep = project / "src" / "app"
    assert project_root(deep) == project
    (project / "src" / ".git").mkdir()
    assert project_root(deep) == project / "src"
    loose = tmp_path / "elsewhere"
    loose.mkdir()
    assert project_root(loose) in (loose, *loose.parents)


def test_the_default_home_is_at_the_project_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "src" / "app")
    assert Settings.from_env({}).home == project / ".waymark"
    assert Settings.from_env({"WAYMARK_HOME": "/srv/wm"}).home == Path("/srv/wm")


def test_db_commands_share_one_server_from_any_subdirectory(project: Path) -> None:
    deep = project / "src" / "app"
    before = waymark("db", "status", cwd=deep)
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines() == [
        f"database: embedded, data in {project / '.waymark' / 'pgdata'}",
        "server: not initialised (the next command that needs it starts it)",
    ]
    try:
        url = waymark("db", "url", cwd=deep)
        assert url.returncode == 0, url.stderr
        assert url.stdout.strip().startswith("postgresql://postgres@/waymark?host=")
        assert waymark("db", "url", cwd=project).stdout == url.stdout  # the same server
        running = waymark("db", "status", cwd=project).stdout.splitlines()[1]
        assert running.startswith("server: running (pid ")
        shell = waymark("db", "shell", cwd=deep, stdin="SELECT 40 + 2 AS answer;\n")
        assert shell.returncode == 0, shell.stderr
        assert "42" in shell.stdout
    finally:
        stopped = waymark("db", "stop", cwd=deep)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped the embedded server" in stopped.stderr
    assert waymark("db", "status", cwd=deep).stdout.splitlines()[1].startswith("server: stopped")
    assert not (deep / ".waymark").exists()


def test_db_stop_with_a_database_url_is_an_error(project: Path) -> None:
    result = waymark("db", "stop", cwd=project, WAYMARK_DATABASE_URL="postgresql://db/app")
    assert result.returncode == 1
    assert "there is no embedded server to stop" in result.stderr


def test_a_test_without_a_runtime_gets_a_clear_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from waymark_runtime import client
    from waymark_runtime.errors import NoRuntimeError

    monkeypatch.delenv("WAYMARK_DATABASE_URL", raising=False)
    monkeypatch.delenv("WAYMARK_HOME", raising=False)
    monkeypatch.setattr(client, "_default", None)
    monkeypatch.chdir(project)
    with pytest.raises(NoRuntimeError, match="waymark_runtime` fixture"):
        client.default_client()
    assert not (project / ".waymark").exists()


@pytest.mark.parametrize("command", [("db", "url"), ("instances", "list")])
def test_a_home_that_cannot_be_a_directory_is_a_clear_error(
    project: Path, command: tuple[str, ...]
) -> None:
    """Under a file, `WAYMARK_HOME` cannot be created: exit 1 naming it (it was an internal
    error, exit 70)."""
    (project / "plain").write_text("a file\n")
    home = project / "plain" / "home"
    result = waymark(*command, cwd=project, WAYMARK_HOME=str(home))
    assert result.returncode == 1, result.stderr
    assert f"error: cannot use WAYMARK_HOME {home}: not a directory" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert (project / "plain").read_text() == "a file\n"


def test_db_status_says_whether_the_database_url_answers(project: Path, database: str) -> None:
    reachable = waymark("db", "status", cwd=project, WAYMARK_DATABASE_URL=database)
    assert reachable.returncode == 0, reachable.stderr
    assert reachable.stdout.splitlines()[1].startswith("server: reachable (PostgreSQL ")
    url = "postgresql://someone:s3cret@127.0.0.1:1/none"
    unreachable = waymark("db", "status", cwd=project, WAYMARK_DATABASE_URL=url)
    assert unreachable.returncode == 1
    assert "error: cannot reach the database at 127.0.0.1:1/none: " in unreachable.stderr
    assert "s3cret" not in unreachable.stdout + unreachable.stderr
    assert not (project / ".waymark").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("   ", "WAYMARK_DATABASE_URL is set to whitespace only"),
        ("db.internal/app", "must be a URL such as postgresql://"),
        ("mysql://u:s3cret@h/app", "got scheme 'mysql'"),
        ("postgresql://u:s3cret@h:port/app", "is not a valid URL"),
    ],
)
def test_a_malformed_database_url_is_a_usage_error_and_boots_nothing(
    project: Path, url: str, message: str
) -> None:
    for command in (("db", "status"), ("db", "url")):
        result = waymark(*command, cwd=project, WAYMARK_DATABASE_URL=url)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert "s3cret" not in result.stderr
    assert not (project / ".waymark").exists()
