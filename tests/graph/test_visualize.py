"""`Workflow.visualize()`: the DOT that `waymark graph` draws, and an image in a notebook
(`_repr_svg_`/`_repr_png_`) when graphviz's `dot` is installed, stepping aside when it is not."""

from __future__ import annotations

import pytest

from tests.requirements import needs_dot
from tests.runtime import runtime_flows as flows
from waymark import Workflow
from waymark_compiler.graph import to_dot
from waymark_runtime.dag import build_dag


def test_visualize_returns_the_dot_that_waymark_graph_draws() -> None:
    graph = flows.Single.visualize()
    definition = flows.Single.__waymark_definition__
    assert definition is not None
    assert graph.dot == to_dot(build_dag(definition.program))
    assert str(graph) == graph.dot
    assert graph.dot.startswith('digraph "Single" {')
    assert "noop" in graph.dot
    assert graph.render("dot") == graph.dot.encode()
    assert repr(graph).startswith("<WorkflowGraph Single: ")


@needs_dot
def test_a_notebook_shows_an_image_when_dot_is_installed() -> None:
    graph = flows.Single.visualize()
    svg = graph._repr_svg_()  # type: ignore[attr-defined]
    png = graph._repr_png_()  # type: ignore[attr-defined]
    assert svg is not None and "<svg" in svg
    assert png is not None and png.startswith(b"\x89PNG")


def test_without_dot_the_notebook_falls_back_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    graph = flows.Single.visualize()
    assert graph._repr_svg_() is None  # type: ignore[attr-defined]
    assert graph._repr_png_() is None  # type: ignore[attr-defined]
    assert graph.dot.startswith("digraph")


def test_an_undecorated_class_says_so() -> None:
    class Plain(Workflow):
        async def run(self) -> None:
            return None

    with pytest.raises(TypeError, match="Plain is not decorated with @workflow"):
        Plain.visualize()
