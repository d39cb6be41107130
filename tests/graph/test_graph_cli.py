"""`waymark graph`: DOT without any tool, SVG/PNG through the real `dot` program."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from graph_support import PRELUDE

from tests.requirements import needs_dot

ORDERS = (
    PRELUDE
    + """\
@workflow
class FirstWorkflow(Workflow):
    async def run(self, item: int) -> int:
        return await fetch(item)


@workflow
class SecondWorkflow(Workflow):
    async def run(self, items: list[int]) -> int:
        total = 0
        for item in items:
            total += await fetch(item)
        return total
"""
)


def waymark(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "waymark", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "orders.py").write_text(ORDERS)
    return tmp_path


def test_dot_goes_to_stdout(project: Path) -> None:
    result = waymark(project, "graph", "orders.py", "--workflow", "SecondWorkflow")
    assert result.returncode == 0, result.stderr
    dot = result.stdout.decode()
    assert dot.startswith('digraph "SecondWorkflow" {')
    assert '[label="for item in items"' in dot
    assert "constraint=false" in dot  # the loop's back edge


def test_a_class_name_selects_too_and_typos_get_a_suggestion(project: Path) -> None:
    assert waymark(project, "graph", "orders.py", "-w", "FirstWorkflow").returncode == 0
    result = waymark(project, "graph", "orders.py", "-w", "SecondWorkflw")
    assert result.returncode == 2
    assert b"did you mean `SecondWorkflow`?" in result.stderr


def test_several_workflows_need_a_choice(project: Path) -> None:
    result = waymark(project, "graph", "orders.py")
    assert result.returncode == 2
    assert b"FirstWorkflow, SecondWorkflow" in result.stderr
    assert b"--workflow" in result.stderr


def test_a_wrl_file_can_be_drawn(project: Path) -> None:
    assert waymark(project, "compile", "orders.py", "--out-dir", "wrl").returncode == 0
    from_wrl = waymark(project, "graph", "wrl/SecondWorkflow.wrl")
    from_python = waymark(project, "graph", "orders.py", "-w", "SecondWorkflow")
    assert from_wrl.returncode == 0, from_wrl.stderr
    assert from_wrl.stdout == from_python.stdout


@pytest.mark.parametrize("jump", ["break", "continue"])
def test_a_wrl_file_python_could_not_have_written_is_reported(project: Path, jump: str) -> None:
    text = "wrl 2\n\nworkflow W @1:1\n\nfn run(): @+1:5\n    try: @+1:9\n        pass @+2:13\n"
    (project / "odd.wrl").write_text(f"{text}    except: @+3:9\n        {jump} @+4:13\n")
    result = waymark(project, "graph", "odd.wrl")
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        f"error: cannot draw workflow W: `{jump}` outside a loop at line 6"
    ]


def test_source_that_does_not_compile_is_reported(project: Path) -> None:
    (project / "bad.py").write_text("def broken(:\n")
    result = waymark(project, "graph", "bad.py")
    assert result.returncode == 1
    assert b"WM100" in result.stderr
    assert b"Traceback" not in result.stderr


def test_no_workflows_is_an_error(project: Path) -> None:
    (project / "plain.py").write_text("X = 1\n")
    result = waymark(project, "graph", "plain.py")
    assert result.returncode == 1
    assert b"error: no workflows found in plain.py" in result.stderr


@needs_dot
def test_svg_is_rendered_by_dot(project: Path) -> None:
    result = waymark(project, "graph", "orders.py", "-w", "SecondWorkflow", "--format", "svg")
    assert result.returncode == 0, result.stderr
    assert b"<svg" in result.stdout
    assert b"for item in items" in result.stdout


@needs_dot
def test_png_is_written_to_a_file_named_by_its_suffix(project: Path) -> None:
    result = waymark(project, "graph", "orders.py", "-w", "FirstWorkflow", "-o", "first.png")
    assert result.returncode == 0, result.stderr
    assert (project / "first.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"wrote first.png" in result.stderr


def test_a_missing_dot_program_prints_how_to_install_it(project: Path, tmp_path: Path) -> None:
    empty_path = tmp_path / "no-binaries"
    empty_path.mkdir()
    result = waymark(
        project, "graph", "orders.py", "-w", "FirstWorkflow", "--format", "svg",
        env={"PATH": str(empty_path)},
    )  # fmt: skip
    assert result.returncode == 1
    assert b"apt-get install graphviz" in result.stderr
    assert b"brew install graphviz" in result.stderr
    assert b"Traceback" not in result.stderr


def test_dot_output_needs_no_dot_program(project: Path, tmp_path: Path) -> None:
    empty_path = tmp_path / "no-binaries"
    empty_path.mkdir()
    result = waymark(
        project, "graph", "orders.py", "-w", "FirstWorkflow", env={"PATH": str(empty_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b'digraph "FirstWorkflow"')
