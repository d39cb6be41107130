"""Every command and option of `waymark` given malformed input: a missing path, a directory,
bytes that are not UTF-8, NUL bytes, an empty or a huge file, JSON that does not parse or has
the wrong shape or depth, numbers out of range, ids that are no UUID or name nothing, options
that conflict, and a database port where nothing listens. Each is refused with a message that
names the problem, a non-zero exit status (2 for usage errors) and no traceback; nothing is
reported as a bug of ours (exit 70).

Run in this process through `cli.run` (the console script's own entry point) for speed; the
subprocess tests elsewhere cover the script itself."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import FIXTURES

from tests.runtime.conftest import database, pg_server
from waymark_compiler.cli import build_app, run

__all__ = ["database", "pg_server"]

NOBODY = "3f2b8c1e-0000-4000-8000-000000000000"
DEEP = "[" * 5000 + "]" * 5000
CLOSED_PORT = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("malformed")
    shutil.copy(FIXTURES / "flows" / "greet.py", root / "greet.py")
    for suffix in ("py", "wrl"):
        (root / f"notutf8.{suffix}").write_bytes(b"\xff\xfe bad")
        (root / f"nul.{suffix}").write_bytes(b"a\x00b")
        (root / f"empty.{suffix}").write_bytes(b"")
        (root / f"huge.{suffix}").write_bytes(b"x" * 10_000_000 + b"\n")
    (root / "dir").mkdir()
    return root


@pytest.fixture
def inside(sources: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """In the sources' directory; modules a command imported are forgotten after."""
    monkeypatch.chdir(sources)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield sources
    for name in set(sys.modules) - before:  # the flows `run` imported from the sources
        if str(getattr(sys.modules[name], "__file__", "") or "").startswith(str(sources)):
            del sys.modules[name]


def _refused(
    argv: list[str], capsys: pytest.CaptureFixture[str], code: int, *fragments: str
) -> str:
    status = run(build_app(), argv)
    captured = capsys.readouterr()
    text = captured.err + captured.out
    assert status == code, text
    assert "Traceback" not in text and "internal error" not in text, text
    for fragment in fragments:
        assert fragment in text, text
    return text


# (argv, exit status, what the message must say); no database needed
OFFLINE = [
    (["compile", "missing.py"], 2, "path does not exist: missing.py"),
    (["compile", "notutf8.py"], 1, "not valid UTF-8 source (byte 0xff)"),
    (["compile", "nul.py"], 1, "source code string cannot contain null bytes"),
    (["compile", "greet.py", "--out-dir", "greet.py"], 2, "cannot write to greet.py: file exists"),
    (["compile", "greet.py", "--out-dir", "x", "--check", "y"], 2, "--check"),
    (["compile", "--explain", "WM9999"], 2, "unknown rule `WM9999`"),
    (["compile", "--explain", ""], 2, "unknown rule ``"),
    (["compile", "greet.py", "--format", "xml"], 2, "'xml' is not one of 'text', 'json'"),
    (["fmt"], 2, "missing argument 'FILES'"),
    (["fmt", "missing.wrl"], 2, "path does not exist: missing.wrl"),
    (["fmt", "notutf8.wrl"], 1, "notutf8.wrl: not valid UTF-8"),
    (["fmt", "nul.wrl"], 1, "nul.wrl:1:1: expected the header `wrl 2`"),
    (["fmt", "empty.wrl"], 1, "empty.wrl:1:1: empty .wrl text"),
    (["fmt", "huge.wrl"], 1, "huge.wrl:1:1: expected the header `wrl 2`"),
    (["fmt", "--check", "greet.py"], 1, "greet.py:1:1: expected the header `wrl 2`"),
    (["graph"], 2, "missing PATH"),
    (["graph", "missing.py"], 2, "path does not exist: missing.py"),
    (["graph", "dir"], 1, "no workflows found in dir"),
    (["graph", "notutf8.py"], 1, "notutf8.py does not compile"),
    (["graph", "nul.py"], 1, "nul.py does not compile"),
    (["graph", "empty.py"], 1, "no workflows found in empty.py"),
    (["graph", "huge.py"], 1, "no workflows found in huge.py"),
    (["graph", "notutf8.wrl"], 1, "notutf8.wrl: not valid UTF-8"),
    (["graph", "nul.wrl"], 1, "expected the header `wrl 2`"),
    (["graph", "empty.wrl"], 1, "empty .wrl text"),
    (["graph", "greet.py", "-w", "Nope"], 2, "no workflow named `Nope` in greet.py"),
    (["graph", "greet.py", "-f", "gif"], 2, "'gif' is not one of 'dot', 'svg', 'png'"),
    (["graph", "greet.py", "-o", "dir"], 2, "cannot write to dir: not a regular file"),
    (["graph", "greet.py", "-o", "no/x.dot"], 2, "cannot write to no/x.dot: no such file"),
    (["graph", "greet.py", "-i", "not-a-uuid"], 2, "not an instance id: 'not-a-uuid'"),
    (["run"], 2, "missing FILE[:WORKFLOW]"),
    (["run", "missing.py"], 2, "path does not exist: missing.py"),
    (["run", "dir"], 2, "not a Python file: dir"),
    (["run", "notutf8.wrl"], 2, "not a Python file: notutf8.wrl"),
    (["run", "notutf8.py"], 1, "notutf8.py does not compile"),
    (["run", "nul.py"], 1, "nul.py does not compile"),
    (["run", "empty.py"], 1, "no workflows found in empty.py"),
    (["run", "greet.py::"], 2, "has more than one `:`"),
    (["run", "greet.py:Nope"], 2, "no workflow named `Nope` in greet.py"),
    (["run", "greet.py", "-i", "{"], 2, "--input is not valid JSON"),
    (["run", "greet.py", "-i", ""], 2, "--input is not valid JSON"),
    (["run", "greet.py", "-i", "[]"], 2, "--input must be a JSON object"),
    (
        ["run", "greet.py", "-i", "5"],
        2,
        "--input must be a JSON object of run()'s arguments, got a number",
    ),
    (["run", "greet.py", "-i", "null"], 2, "got null"),
    (["run", "greet.py", "-i", '{"name": 5}'], 2, "input `name` does not match"),
    (["run", "greet.py", "-i", '{"nam": "a"}'], 2, "`nam`"),
    (["run", "greet.py", "-i", '{"name": ' + DEEP + "}"], 2, "nests more than 1000 levels"),
    (["run", "greet.py", "--resume", "not-a-uuid"], 2, "not an instance id: 'not-a-uuid'"),
    (
        ["run", "greet.py", "-i", "{}", "--resume", NOBODY],
        2,
        "--input cannot be used with --resume",
    ),
    (["instances", "list", "-n", "0"], 2, "greater than or equal to 1"),
    (["instances", "list", "-n", "-1"], 2, "greater than or equal to 1"),
    (["instances", "list", "-n", "abc"], 2, "valid integer"),
    (["instances", "list", "-s", "bogus"], 2, "'bogus' is not one of"),
    (["instances", "list", "-f", "xml"], 2, "'xml' is not one of"),
    (["instances", "list", "--parent", "not-a-uuid"], 2, "not an instance id: 'not-a-uuid'"),
    (["instances", "show"], 2, "missing argument 'ID'"),
    (["instances", "show", "not-a-uuid"], 2, "not an instance id: 'not-a-uuid'"),
    (["instances", "show", ""], 2, "not an instance id: ''"),
    (["instances", "cancel", "x" * 100_000], 2, "not an instance id: 'xxxx"),
    (["instances", "retry", "xx"], 2, "not an instance id: 'xx'"),
    (["instances", "requeue", "xx"], 2, "not an instance id: 'xx'"),
    (["instances", "signal", "xx", "go"], 2, "not an instance id: 'xx'"),
    (["instances", "signal", NOBODY], 2, "missing argument 'NAME'"),
    (["schedules", "list", "-s", "bogus"], 2, "'bogus' is not one of 'active', 'paused'"),
    (["schedules", "show"], 2, "missing argument 'NAME'"),
    (["schedules", "frob"], 2, "no such command 'frob'"),
    (
        ["dashboard", "--addr", "garbage"],
        2,
        "--addr must be HOST:PORT (e.g. 127.0.0.1:24119), got 'garbage'",
    ),
    (["dashboard", "--addr", "127.0.0.1:99999"], 2, "--addr must be HOST:PORT"),
    (["dashboard", "--addr", "127.0.0.1:-1"], 2, "--addr must be HOST:PORT"),
    (["dashboard", "--addr", ""], 2, "--addr must be HOST:PORT"),
    (["dashboard", "--addr", "0.0.0.0:8080"], 2, "not a loopback address"),
    (["db", "migrate", "extra"], 2, "unexpected extra argument"),
    (["db", "status", "--bogus"], 2, "no such option: --bogus"),
    (["db", "frob"], 2, "no such command 'frob'"),
    (["start-workers", "extra"], 2, "unexpected extra argument"),
    (["--color", "pink", "compile"], 2, "'pink' is not one of"),
    (["frob"], 2, "no such command 'frob'"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), OFFLINE, ids=lambda v: repr(v)[:60])
def test_malformed_input_is_refused_clearly(
    inside: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    code: int,
    fragment: str,
) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", CLOSED_PORT)  # none of these reaches it
    monkeypatch.delenv("WAYMARK_WEBAPP_TOKEN", raising=False)
    monkeypatch.delenv("WAYMARK_WEBAPP_ADDR", raising=False)
    _refused(argv, capsys, code, fragment)


# ids of nothing and names of nothing, on a real database
UNKNOWN = [
    (["instances", "show", NOBODY], f"no instance {NOBODY}"),
    (["instances", "cancel", NOBODY], f"no instance {NOBODY}"),
    (["instances", "retry", NOBODY], f"no instance {NOBODY}"),
    (["instances", "requeue", NOBODY], f"no instance {NOBODY}"),
    (["instances", "signal", NOBODY, "go"], f"no instance {NOBODY}"),
    (["instances", "signal", NOBODY, "go", "--payload", "{"], "the payload is not JSON"),
    (["instances", "signal", NOBODY, "go", "--payload", ""], "the payload is not JSON"),
    (["instances", "list", "--parent", NOBODY], f"no instance {NOBODY}"),
    (["instances", "list", "--after", "garbage"], "not a cursor of this listing: 'garbage'"),
    (["instances", "list", "-n", "9" * 30], "limit must be at most 10,000"),
    (["graph", "-i", NOBODY], f"no instance {NOBODY}"),
    (["graph", "greet.py", "-i", NOBODY], f"no instance {NOBODY}"),
    (["run", "--resume", NOBODY], f"no instance {NOBODY}"),
    (["schedules", "show", "nope"], "no schedule named `nope`"),
    (["schedules", "show", ""], "must be a non-empty string"),
    (["schedules", "show", "nope", "-w", ""], "must be a non-empty string"),
    (["schedules", "pause", "nope"], "no schedule named `nope`"),
    (["schedules", "resume", "nope"], "no schedule named `nope`"),
    (["schedules", "delete", "nope"], "no schedule named `nope`"),
]


@pytest.mark.parametrize(("argv", "fragment"), UNKNOWN, ids=lambda v: repr(v)[:60])
def test_what_names_nothing_is_a_usage_error(
    inside: Path,
    database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    fragment: str,
) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", database)
    _refused(argv, capsys, 2, fragment)


# a port where nothing listens: every command says the same words
DATABASE_COMMANDS = [
    ["instances", "list"],
    ["instances", "show", NOBODY],
    ["instances", "cancel", NOBODY],
    ["graph", "-i", NOBODY],
    ["run", "greet.py", "-i", '{"name": "a"}'],
    ["run", "--resume", NOBODY],
    ["schedules", "list"],
    ["db", "migrate"],
]


@pytest.mark.parametrize("argv", DATABASE_COMMANDS, ids=" ".join)
def test_a_closed_port_is_the_same_one_line_error_everywhere(
    inside: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", CLOSED_PORT)
    monkeypatch.setenv("WAYMARK_CLIENT_CONNECT_RETRY_SECONDS", "0")
    text = _refused(argv, capsys, 1, "error: cannot reach the database: ")
    error, hint = text.strip().splitlines()[-2:]
    assert error.startswith("error: cannot reach the database: ") and "127.0.0.1', 1)" in error
    assert hint == (
        "hint: check WAYMARK_DATABASE_URL (unset, the embedded server under WAYMARK_HOME is used)"
    )


def test_a_bad_database_url_is_a_usage_error(
    inside: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", "garbage")
    _refused(["instances", "list"], capsys, 2, "WAYMARK_DATABASE_URL must be a URL")
