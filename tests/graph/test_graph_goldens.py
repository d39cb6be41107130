"""Each example workflow has a sibling `.dot` golden: examples/<name>.py ↔ examples/<name>.dot.

Regenerate with `pytest --update-goldens` and review the diff. Goldens are also fed to the real
`dot` program when it is installed, so a golden that graphviz cannot read fails here.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.requirements import needs_dot
from waymark_compiler.api import compile_path
from waymark_compiler.graph import to_dot
from waymark_runtime.dag import build_dag

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCES = sorted(EXAMPLES.glob("*.py"))


def dot_of(source: Path) -> str:
    """Every workflow of the example, one digraph each, in source order."""
    result = compile_path(source)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, errors
    return "\n".join(to_dot(build_dag(workflow.program)) for workflow in result.workflows)


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_example_graph_matches_its_golden(source: Path, request: pytest.FixtureRequest) -> None:
    golden = source.with_suffix(".dot")
    dot = dot_of(source)
    if request.config.getoption("--update-goldens", default=False):
        golden.write_text(dot, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {source.name}; run `pytest --update-goldens`"
    assert golden.read_text(encoding="utf-8") == dot


@needs_dot
@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_example_graph_is_valid_for_graphviz(source: Path) -> None:
    completed = subprocess.run(
        ["dot", "-Tsvg"], input=dot_of(source), capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "<svg" in completed.stdout
    assert completed.stderr == ""  # graphviz warns about syntax it tolerates


COMPILER_GOLDENS = sorted((EXAMPLES.parent / "tests" / "golden").glob("*.py"))


@needs_dot
@pytest.mark.parametrize("source", COMPILER_GOLDENS, ids=[s.stem for s in COMPILER_GOLDENS])
def test_every_construct_family_draws(source: Path) -> None:
    """Each compiler golden (one per construct family) yields a graph graphviz accepts."""
    for workflow in compile_path(source).workflows:
        dag = build_dag(workflow.program)
        ids = {node.id for node in dag.nodes}
        assert len(ids) == len(dag.nodes)
        assert all(edge.source in ids and edge.target in ids for edge in dag.edges)
        completed = subprocess.run(
            ["dot", "-Tsvg"], input=to_dot(dag), capture_output=True, text=True, check=False
        )
        assert (completed.returncode, completed.stderr) == (0, "")
