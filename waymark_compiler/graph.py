"""Drawing a workflow's DAG: DOT text written here (no tools needed), SVG/PNG through graphviz.

The DOT output is deterministic (node and edge order come from `build_dag`), so `.dot` goldens
only change when a program does. This module styles nodes by kind and never derives structure:
the graph is `waymark_runtime.dag`'s, built from the IR.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from waymark_runtime.dag import Dag, Edge, EdgeKind, Node, NodeKind
from waymark_runtime.errors import WaymarkError

GraphFormat = Literal["dot", "svg", "png"]
FORMATS: tuple[GraphFormat, ...] = ("dot", "svg", "png")

INSTALL_HINT = (
    "install graphviz: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), or see https://graphviz.org/download/"
)


class DotNotInstalled(WaymarkError):
    """the graphviz `dot` program is not installed"""


_FONT = 'fontname="Helvetica"'
_NODE_STYLES: Mapping[NodeKind, str] = {
    "start": 'shape=oval, style=filled, fillcolor="#dbe8fb"',
    "end": 'shape=oval, style=filled, fillcolor="#dbe8fb", peripheries=2',
    "action": 'shape=box, style="rounded,filled", fillcolor="#fff1c9"',
    "gather": 'shape=invtrapezium, style=filled, fillcolor="#e7dcf5"',
    "join": 'shape=trapezium, style=filled, fillcolor="#e7dcf5"',
    "compute": 'shape=box, style=filled, fillcolor="#f2f2f2", fontname="Courier"',
    "branch": 'shape=diamond, style=filled, fillcolor="#ffffff"',
    "loop": 'shape=hexagon, style=filled, fillcolor="#ffffff"',
    "sleep": 'shape=box, style="rounded,filled,dashed", fillcolor="#e3f4e6"',
    "signal": 'shape=box, style="rounded,filled,dashed", fillcolor="#fdf0d5"',
    "call": 'shape=component, style=filled, fillcolor="#fff1c9"',
    "return": 'shape=box, style="rounded,filled", fillcolor="#e3f4e6"',
    "raise": 'shape=octagon, style=filled, fillcolor="#fbdcdc"',
    "except": 'shape=box, style="rounded,filled,dashed", fillcolor="#fbdcdc"',
    "child": 'shape=box3d, style=filled, fillcolor="#dcefff"',
}

NodeStatus = Literal["done", "running", "waiting", "failed", "not reached"]


@dataclass(frozen=True, slots=True)
class NodeState:
    """A node's status in one instance, and an optional extra label line (`x3: 3 done`)."""

    status: NodeStatus
    note: str = ""


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """What `waymark graph --instance` adds: a title line and a state per node id."""

    title: str
    states: Mapping[str, NodeState]


_STATUS_STYLES: Mapping[NodeStatus | None, str] = {
    "done": 'fillcolor="#b7e1c1", color="#2e7d32"',
    "running": 'fillcolor="#b3d4fc", color="#1565c0", penwidth=2',
    "waiting": 'fillcolor="#ffe0a3", color="#ef6c00"',
    "failed": 'fillcolor="#f6b4b4", color="#c62828", penwidth=2',
    "not reached": 'fillcolor="#f5f5f5", color="#bdbdbd", fontcolor="#9e9e9e"',
    None: 'fillcolor="#ffffff"',
}
_EDGE_STYLES: Mapping[EdgeKind, str] = {
    "next": "",
    "branch": "",
    "loop": "",
    "back": 'style=dashed, color="#5f6368", constraint=false',
    "fan_out": 'color="#7e57c2"',
    "fan_in": 'color="#7e57c2"',
    "error": 'style=dashed, color="#c62828", fontcolor="#c62828"',
    "call": "style=dotted, arrowhead=vee",
}


def to_dot(dag: Dag, live: LiveStatus | None = None) -> str:
    """The DAG as a DOT digraph: helper methods as clusters, policies as badge lines.

    With `live` (`waymark graph --instance`), nodes are filled by their status in that instance
    and the title names it; nodes without a status are drawn white.
    """
    title = dag.workflow if live is None else f"{dag.workflow}\n{live.title}"
    lines = [f"digraph {_quote(dag.workflow)} {{", *_preamble(title)]
    clustered = {node_id for cluster in dag.clusters for node_id in cluster.nodes}
    lines += [_node(node, live=live) for node in dag.nodes if node.id not in clustered]
    for index, cluster in enumerate(dag.clusters):
        members = [_node(dag.node(node_id), indent=4, live=live) for node_id in cluster.nodes]
        lines += [
            f"  subgraph cluster_{index} {{",
            f'    label={_quote(cluster.label)}; style="rounded,dashed"; color="#9aa0a6";',
            *members,
            "  }",
        ]
    lines += [_edge(edge) for edge in dag.edges]
    return "\n".join([*lines, "}"]) + "\n"


def _preamble(title: str) -> Iterator[str]:
    yield f"  graph [{_FONT}, label={_quote(title)}, labelloc=t, fontsize=16, nodesep=0.4];"
    yield f'  node [{_FONT}, fontsize=11, margin="0.15,0.06"];'
    yield f"  edge [{_FONT}, fontsize=9];"


def _node(node: Node, indent: int = 2, live: LiveStatus | None = None) -> str:
    state = live.states.get(node.id) if live is not None else None
    note = [state.note] if state is not None and state.note else []
    label = "\n".join([node.label, *node.badges, *note])
    attributes = [f"label={_quote(label)}", _NODE_STYLES[node.kind]]
    if live is not None:  # later attributes win in DOT: the status colours override the kind's
        attributes.append(_STATUS_STYLES[state.status if state is not None else None])
    if node.detail:
        attributes.append(f"tooltip={_quote(node.detail)}")
    return f"{' ' * indent}{_quote(node.id)} [{', '.join(attributes)}];"


def _edge(edge: Edge) -> str:
    attributes = [f"label={_quote(edge.label)}"] if edge.label else []
    attributes += [_EDGE_STYLES[edge.kind]] if _EDGE_STYLES[edge.kind] else []
    suffix = f" [{', '.join(attributes)}]" if attributes else ""
    return f"  {_quote(edge.source)} -> {_quote(edge.target)}{suffix};"


def _quote(text: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines as centred line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(dag: Dag, output_format: GraphFormat, live: LiveStatus | None = None) -> bytes:
    """DOT source, or an SVG/PNG image drawn by the `dot` program (`DotNotInstalled` without)."""
    source = to_dot(dag, live)
    if output_format == "dot":
        return source.encode("utf-8")
    import graphviz  # only needed for images; DOT output works without the package's binary

    try:
        image: bytes = graphviz.Source(source).pipe(format=output_format)
    except graphviz.ExecutableNotFound as missing:
        raise DotNotInstalled() from missing
    return image
