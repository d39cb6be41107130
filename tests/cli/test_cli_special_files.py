"""Paths that are not readable source files: named pipes, devices, dangling symlinks, files
without read permission, directories named `*.py`, bytes that are not UTF-8.

Each is an error naming the file (exit 1), never a hang or a traceback, and every other file
of the command still compiles. The commands run with a short timeout: opening a named pipe
for reading blocks until a writer comes, which used to hang them for ever.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import Completed, Waymark, assert_no_traceback, write_lockfile

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
SHORT = 60.0  # seconds; a command that blocks on a named pipe fails instead of hanging the run


def _refused(result: Completed, path: str, reason: str) -> None:
    assert f"error: cannot read {path}: {reason}" in result.err, result.err
    assert_no_traceback(result)


@needs_fifo
def test_a_named_pipe_in_a_directory_is_refused_and_the_rest_compiles(
    waymark: Waymark, workdir: Path
) -> None:
    os.mkfifo(workdir / "flows" / "pipe.py")
    result = waymark("compile", "flows", timeout=SHORT)
    assert result.code == 1
    _refused(result, "flows/pipe.py", "not a regular file (a named pipe)")
    assert "workflow GreetWorkflow" in result.out
    assert "workflow ChargeOrdersWorkflow" in result.out
    assert "compiled 3 workflows in 2 files; 1 file could not be read" in result.err


@needs_fifo
def test_a_named_pipe_named_explicitly_is_refused(waymark: Waymark, workdir: Path) -> None:
    os.mkfifo(workdir / "pipe.py")
    result = waymark("compile", "pipe.py", timeout=SHORT)
    assert result.code == 1
    _refused(result, "pipe.py", "not a regular file (a named pipe)")
    assert "no Python files found" not in result.err


def test_a_dangling_symlink_is_reported_and_the_rest_compiles(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "flows" / "gone.py").symlink_to(workdir / "nowhere.py")
    result = waymark("compile", "flows", "--format", "json", timeout=SHORT)
    assert result.code == 1
    _refused(result, "flows/gone.py", "a symbolic link to a missing file")
    names = {w["name"] for w in __import__("json").loads(result.out)["workflows"]}
    assert names == {"GreetWorkflow", "ChargeOrdersWorkflow", "ChargeOneWorkflow"}


def test_a_dangling_symlink_named_explicitly_says_what_it_is(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "gone.py").symlink_to("nowhere.py")
    result = waymark("compile", "gone.py", timeout=SHORT)
    assert result.code == 2
    assert result.err.strip() == (
        "error: path does not exist: gone.py (a symbolic link to nowhere.py)"
    )


def test_a_device_is_refused_without_being_read(waymark: Waymark, workdir: Path) -> None:
    (workdir / "flows" / "null.py").symlink_to(os.devnull)
    result = waymark("compile", "flows", timeout=SHORT)
    assert result.code == 1
    _refused(result, "flows/null.py", "not a regular file (a character device)")
    assert "workflow GreetWorkflow" in result.out


def test_a_directory_named_like_a_module_is_searched_not_read(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "odd.py").mkdir()
    (workdir / "odd.py" / "greet.py").write_bytes((workdir / "flows/greet.py").read_bytes())
    result = waymark("compile", "odd.py", timeout=SHORT)
    assert result.code == 0, result.err
    assert "workflow GreetWorkflow" in result.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_reported(waymark: Waymark, workdir: Path) -> None:
    secret = workdir / "flows" / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    result = waymark("compile", "flows", timeout=SHORT)
    assert result.code == 1
    _refused(result, "flows/secret.py", "permission denied")
    assert "workflow GreetWorkflow" in result.out


def test_a_read_failure_is_an_unread_file_not_an_error_of_the_command(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-process view of the test above, which root cannot run."""
    from waymark_compiler.cli._sources import Unread, compile_file

    def denied(path: object, flags: int, *args: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("waymark_compiler.files.os.open", denied)
    path = workdir / "flows" / "greet.py"
    assert compile_file(path) == Unread(path, f"cannot read {path}: permission denied")


def test_bytes_that_are_not_utf8_on_the_first_line_name_the_byte(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "latin1.py").write_bytes("name = 'café'\n".encode("latin-1"))
    result = waymark("compile", "latin1.py", timeout=SHORT)
    assert result.code == 1
    assert "WM100 syntax error: not valid UTF-8 source (byte 0xe9)" in result.err
    assert "--> latin1.py:1:12" in result.err
    assert_no_traceback(result)


@needs_fifo
def test_graph_refuses_a_named_pipe(waymark: Waymark, workdir: Path) -> None:
    os.mkfifo(workdir / "flows" / "pipe.py")
    os.mkfifo(workdir / "pipe.wrl")
    in_tree = waymark("graph", "flows", "--workflow", "GreetWorkflow", timeout=SHORT)
    assert in_tree.code == 1
    _refused(in_tree, "flows/pipe.py", "not a regular file (a named pipe)")
    program = waymark("graph", "pipe.wrl", timeout=SHORT)
    assert program.code == 1
    _refused(program, "pipe.wrl", "not a regular file (a named pipe)")


@needs_fifo
def test_fmt_refuses_a_named_pipe_and_formats_the_rest(waymark: Waymark, workdir: Path) -> None:
    lockfile = write_lockfile(workdir, "wrl", "flows")
    os.mkfifo(lockfile / "Pipe.wrl")
    result = waymark("fmt", "--check", "wrl", timeout=SHORT)
    assert result.code == 1
    assert "wrl/Pipe.wrl: cannot read: not a regular file (a named pipe)" in result.err
    assert "3 files already formatted, 1 file could not be read" in result.err
    assert_no_traceback(result)


@needs_fifo
def test_out_dir_does_not_write_into_a_named_pipe(waymark: Waymark, workdir: Path) -> None:
    (workdir / "wrl").mkdir()
    os.mkfifo(workdir / "wrl" / "GreetWorkflow.wrl")
    result = waymark("compile", "flows", "--out-dir", "wrl", timeout=SHORT)
    assert result.code == 2
    assert (
        "error: cannot write to wrl/GreetWorkflow.wrl: not a regular file (a named pipe)"
        in result.err
    )
    assert_no_traceback(result)


@needs_fifo
def test_an_unread_file_keeps_stale_lockfiles(waymark: Waymark, workdir: Path) -> None:
    """A file that could not be read may hold workflows: their .wrl files are not stale."""
    lockfile = write_lockfile(workdir, "wrl", "flows")
    (workdir / "flows" / "greet.py").unlink()
    os.mkfifo(workdir / "flows" / "greet.py")
    result = waymark("compile", "flows", "--out-dir", "wrl", timeout=SHORT)
    assert result.code == 1
    assert (lockfile / "GreetWorkflow.wrl").is_file()
    assert "removed" not in result.err


def test_a_file_reached_twice_is_compiled_once(waymark: Waymark, workdir: Path) -> None:
    """A symbolic link to a module, and a file named twice, used to compile the workflows twice
    and fail on their names clashing with themselves."""
    (workdir / "flows" / "alias.py").symlink_to(workdir / "flows" / "greet.py")
    (workdir / "flows" / "loop").symlink_to(workdir / "flows")  # never followed
    result = waymark("compile", "flows", "flows/greet.py", "flows/../flows/orders.py",
                     "--format", "json", timeout=SHORT)  # fmt: skip
    assert result.code == 0, result.err
    names = [w["name"] for w in __import__("json").loads(result.out)["workflows"]]
    assert sorted(names) == ["ChargeOneWorkflow", "ChargeOrdersWorkflow", "GreetWorkflow"]


@pytest.mark.parametrize("name", ["my-flows.py", "a:b.py", "two words.py"])
def test_a_workflow_in_a_file_whose_name_is_no_module_name_is_refused(
    waymark: Waymark, workdir: Path, name: str
) -> None:
    """Its program names actions by `module:name`, which the printer refused as a bug of ours
    (exit 70, "internal error"); it is the file's name that must change (exit 1)."""
    (workdir / "flows" / name).write_text((workdir / "flows" / "greet.py").read_text())
    result = waymark("compile", f"flows/{name}")
    module = name.removesuffix(".py")
    assert result.code == 1, result.err
    assert f"WM140 workflow `GreetWorkflow` is in module `{module}`, which is not a Python" in (
        result.out + result.err
    )
    assert "internal error" not in result.err
    assert_no_traceback(result)


def test_a_file_whose_name_is_no_module_name_without_workflows_compiles(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "flows" / "my-script.py").write_text("print('hello')\n")
    result = waymark("compile", "flows/my-script.py")
    assert result.code == 0, result.err
    assert "no workflows found" in result.err
