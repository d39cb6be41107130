"""The control-flow graph of a workflow, derived from its IR: `build_dag(program) -> Dag`.

Nodes are what a reader cares about (actions, gathers, branches, loops, sleeps, returns, raises,
helper calls; a run of pure statements is one `compute` node); ids come from positions in the
program, so a program always yields the same ids. Data in `dag.model`, building in `dag.build`,
the text of labels and badges in `dag.labels`.
Runtime code: it never imports graphviz or the compiler; drawing is `waymark_compiler.graph`'s.
"""

from waymark_runtime.dag.build import build_dag
from waymark_runtime.dag.model import CallSite, Cluster, Dag, Edge, EdgeKind, Node, NodeKind

__all__ = ["CallSite", "Cluster", "Dag", "Edge", "EdgeKind", "Node", "NodeKind", "build_dag"]
