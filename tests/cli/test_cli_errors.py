"""Bad command lines and bad input: a clear message, the right exit status, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Waymark, assert_no_traceback


def test_a_missing_path_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compile", "does/not/exist.py")
    assert result.code == 2
    assert result.err.strip() == "error: path does not exist: does/not/exist.py"


def test_no_paths_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compile")
    assert result.code == 2
    assert "error: no paths to compile" in result.err


def test_an_unknown_option_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "--frobnicate")
    assert result.code == 2
    assert "error: no such option: --frobnicate" in result.err
    assert "Usage: waymark compile" in result.err
    assert_no_traceback(result)


def test_a_bad_option_value_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "--format", "yaml")
    assert result.code == 2
    assert "yaml" in result.err
    assert_no_traceback(result)


def test_a_value_outside_a_choice_names_the_choices(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "--format", "yaml")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "error: invalid value for '--format': 'yaml' is not one of 'text', 'json'."
    )


def test_an_unknown_command_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compiel", "flows")
    assert result.code == 2
    assert "compiel" in result.err
    assert_no_traceback(result)


def test_out_dir_and_check_together_are_a_usage_error(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "--out-dir", "a", "--check", "b")
    assert result.code == 2
    assert "cannot be used together" in result.err


def test_a_python_syntax_error_is_a_diagnostic(waymark: Waymark, workdir: Path) -> None:
    (workdir / "broken.py").write_text("async def run(self)\n    return 1\n")
    result = waymark("compile", "broken.py")
    assert result.code == 1
    assert "WM100" in result.err
    assert "--> broken.py:1:" in result.err
    assert_no_traceback(result)


def test_binary_garbage_is_a_diagnostic(waymark: Waymark, workdir: Path) -> None:
    (workdir / "garbage.py").write_bytes(bytes(range(256)) * 4)
    result = waymark("compile", "garbage.py", "--format", "json")
    assert result.code == 1
    [diagnostic] = __import__("json").loads(result.out)["diagnostics"]
    assert diagnostic["code"] == "WM100"
    assert diagnostic["path"] == "garbage.py"
    assert_no_traceback(result)


def test_a_file_that_is_not_utf8_points_at_the_bad_byte(waymark: Waymark, workdir: Path) -> None:
    (workdir / "latin1.py").write_bytes("x = 1\nname = 'café'\n".encode("latin-1"))
    result = waymark("compile", "latin1.py")
    assert result.code == 1
    assert "WM100" in result.err
    assert "not valid UTF-8" in result.err
    assert "--> latin1.py:2:" in result.err
    assert_no_traceback(result)


@pytest.mark.parametrize("first", ["", "#!/usr/bin/env python\n"])
def test_a_coding_line_naming_a_codec_that_is_not_text_is_a_syntax_error(
    waymark: Waymark, workdir: Path, first: str
) -> None:
    (workdir / "rot.py").write_text(f"{first}# -*- coding: rot13 -*-\nvzcbeg nflapvb\n")
    result = waymark("compile", "rot.py")
    assert result.code == 1
    assert "WM100 syntax error: encoding problem: rot13 is not a text encoding" in result.err
    assert f"--> rot.py:{1 + first.count(chr(10))}:1" in result.err
    assert_no_traceback(result)


def test_a_wrl_program_given_to_compile_is_named_as_such(waymark: Waymark, workdir: Path) -> None:
    (workdir / "flow.wrl").write_text(
        "wrl 2\n\nworkflow W @1:1\n\nfn run(n): @2:1\n    return n @3:5\n"
    )
    result = waymark("compile", "flow.wrl")
    assert result.code == 1
    assert "flow.wrl is a .wrl program, not Python" in result.err
    assert "waymark graph flow.wrl" in result.err and "WM100" not in result.err
    assert_no_traceback(result)


def test_a_directory_without_workflows_says_so(waymark: Waymark) -> None:
    result = waymark("compile", "no_workflows")
    assert result.code == 0
    assert result.out == ""
    assert "warning: no workflows found in 1 file" in result.err


def test_a_directory_without_python_files_says_so(waymark: Waymark, workdir: Path) -> None:
    (workdir / "empty").mkdir()
    result = waymark("compile", "empty")
    assert result.code == 0
    assert "warning: no Python files found" in result.err


def test_hidden_and_virtualenv_directories_are_skipped(waymark: Waymark, workdir: Path) -> None:
    for hidden in (".venv/lib", ".git", "venv"):
        (workdir / hidden).mkdir(parents=True)
        (workdir / hidden / "refusal.py").write_bytes((workdir / "refusal.py").read_bytes())
    (workdir / "refusal.py").unlink()
    result = waymark("compile", ".")
    assert result.code == 0, result.err
    assert "compiled 3 workflows in 2 files" in result.err


def test_no_color_is_respected(waymark: Waymark) -> None:
    forced = waymark("compile", "refusal.py", env={"FORCE_COLOR": "1"})
    plain = waymark("compile", "refusal.py", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" in forced.err
    assert "\x1b[" not in plain.err
    assert "\x1b[" not in waymark("compile", "refusal.py").err  # not a terminal


def test_color_never_overrides_the_environment(waymark: Waymark) -> None:
    result = waymark("--color", "never", "compile", "refusal.py", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in result.err


_CRASHING_COMMAND = """
import sys
import typer
from waymark_compiler.cli import build_app, run

def explode() -> None:
    raise RuntimeError("boom")

app = build_app()
app.command("explode")(explode)
sys.exit(run(app, ["explode"]))
"""


def _crash(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CRASHING_COMMAND],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_an_internal_error_is_one_line_and_exit_70() -> None:
    result = _crash({"WAYMARK_DEBUG": ""})
    assert result.returncode == 70
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: internal error (RuntimeError: boom)")
    assert "please report" in line
    assert "WAYMARK_DEBUG=1" in line


def test_waymark_debug_shows_the_traceback_of_an_internal_error() -> None:
    result = _crash({"WAYMARK_DEBUG": "1"})
    assert result.returncode == 70
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_the_console_script_and_python_m_agree(workdir: Path) -> None:
    script = Path(sys.executable).with_name("waymark")
    if not script.exists():
        pytest.skip("the `waymark` console script is not installed next to this interpreter")
    completed = subprocess.run(
        [script, "compile", "no_workflows"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "no workflows found" in completed.stderr


def test_no_command_prints_the_help_and_exits_2(waymark: Waymark) -> None:
    result = waymark()
    assert result.code == 2
    assert "Usage: waymark" in result.out
    for command in ("compile", "fmt", "graph"):
        assert command in result.out


def test_version(waymark: Waymark) -> None:
    result = waymark("--version")
    assert result.code == 0
    assert result.out.startswith("waymark ")


@pytest.mark.parametrize("args", [["graph", "flows/greet.py"], ["compile", "flows/greet.py"]])
def test_output_lost_to_a_closed_stdout_is_reported(workdir: Path, args: list[str]) -> None:
    """`waymark ... >&-`: what was written to the closed stdout failed as an internal error
    (exit 70, "this is a bug"); it is now reported as lost, exit 1."""
    completed = subprocess.run(
        [sys.executable, "-m", "waymark", *args],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: os.close(1),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "error: standard output is closed: " in completed.stderr
    assert "internal error" not in completed.stderr
