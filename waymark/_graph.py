"""`Workflow.visualize()`: a workflow's DAG as DOT text, and as an image in a notebook.

The graph is the one `waymark graph` draws (`waymark_runtime.dag`, styled by
`waymark_compiler.graph`). DOT needs nothing installed; SVG and PNG need the graphviz `dot`
program. In Jupyter, `_repr_svg_`/`_repr_png_` show the image when `dot` is there and step
aside (returning None) when it is not, leaving the DOT text.
"""

from __future__ import annotations

from waymark_compiler.graph import DotNotInstalled, GraphFormat, render, to_dot
from waymark_runtime.dag import Dag, build_dag
from waymark_runtime.workflows import Workflow


class WorkflowGraph:
    """The DAG of one workflow: `str(graph)` or `graph.dot` is DOT, `graph.render("svg")`."""

    def __init__(self, dag: Dag) -> None:
        self.dag = dag

    @property
    def dot(self) -> str:
        return to_dot(self.dag)

    def render(self, output_format: GraphFormat = "svg") -> bytes:
        """DOT, SVG or PNG bytes; images raise `DotNotInstalled` without graphviz's `dot`."""
        return render(self.dag, output_format)

    def __str__(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        return f"<WorkflowGraph {self.dag.workflow}: {len(self.dag.nodes)} nodes>\n{self.dot}"

    def _repr_svg_(self) -> str | None:
        try:
            return self.render("svg").decode("utf-8")
        except DotNotInstalled:
            return None

    def _repr_png_(self) -> bytes | None:
        try:
            return self.render("png")
        except DotNotInstalled:
            return None


def visualize(cls: type[Workflow]) -> WorkflowGraph:
    """The graph of a `@workflow` class (what `waymark graph` draws)."""
    from waymark._workflow import definition_of

    return WorkflowGraph(build_dag(definition_of(cls).program))
