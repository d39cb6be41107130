"""`FILE:WORKFLOW` given to commands that take paths, and output paths that cannot be
written: usage errors (exit 2) that say what form is expected, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import Waymark, assert_no_traceback


def test_graph_given_file_colon_workflow_points_at_workflow_option(waymark: Waymark) -> None:
    result = waymark("graph", "flows/greet.py:GreetWorkflow")
    assert result.code == 2, result.err
    assert result.err.splitlines() == [
        "error: path does not exist: flows/greet.py:GreetWorkflow",
        "hint: FILE:WORKFLOW is `waymark run`'s form; here give the path flows/greet.py and "
        "pick the workflow with `--workflow GreetWorkflow`",
    ]


@pytest.mark.parametrize("reference", ["flows/greet.py:GreetWorkflow", "flows/greet.py:"])
def test_compile_given_file_colon_workflow_says_to_give_the_path(
    waymark: Waymark, reference: str
) -> None:
    result = waymark("compile", reference)
    assert result.code == 2, result.err
    assert result.err.splitlines() == [
        f"error: path does not exist: {reference}",
        "hint: FILE:WORKFLOW is `waymark run`'s form; here give the path flows/greet.py",
    ]


def test_a_missing_path_with_a_colon_but_no_file_has_no_hint(waymark: Waymark) -> None:
    result = waymark("graph", "nope.py:GreetWorkflow")
    assert result.code == 2
    assert result.err.strip() == "error: path does not exist: nope.py:GreetWorkflow"


@pytest.mark.parametrize(
    ("output", "why"),
    [
        ("missing/dir/graph.dot", "no such file or directory"),
        (".", "not a regular file (a directory)"),
    ],
)
def test_graph_output_that_cannot_be_written_is_a_usage_error(
    waymark: Waymark, workdir: Path, output: str, why: str
) -> None:
    """It exited 1 where `compile --out-dir` exits 2 for the same mistake."""
    result = waymark("graph", "flows/greet.py", "-o", output)
    assert result.code == 2, result.err
    assert result.err.strip() == f"error: cannot write to {output}: {why}"
    assert result.out == ""
    assert_no_traceback(result)
    assert not (workdir / "missing").exists()


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_graph_output_to_a_special_file_is_a_usage_error(
    waymark: Waymark, workdir: Path, special: str
) -> None:
    """A named pipe without a reader blocked `graph -o` forever; `compile --out-dir` refused it."""
    if special == "fifo":
        output, why = str(workdir / "graph.dot"), "not a regular file (a named pipe)"
        os.mkfifo(output)
    else:
        output, why = "/dev/null", "not a regular file (a character device)"
    result = waymark("graph", "flows/greet.py", "-o", output)
    assert result.code == 2, result.err
    assert result.err.strip() == f"error: cannot write to {output}: {why}"
    assert_no_traceback(result)


def test_graph_output_replaces_a_longer_file(waymark: Waymark, workdir: Path) -> None:
    (workdir / "graph.dot").write_text("x" * 100_000)
    result = waymark("graph", "flows/greet.py", "-o", "graph.dot")
    assert result.code == 0, result.err
    written = (workdir / "graph.dot").read_text()
    assert written.startswith("digraph") and written.rstrip().endswith("}")
