"""The DAG's data: frozen `Node`, `Edge`, `Cluster` and `Dag`, with nothing but look-ups.

Derived by `dag.build` from the IR and drawn by `waymark_compiler.graph`; never authored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from waymark_runtime import ir

NodeKind: TypeAlias = Literal[
    "start", "end", "action", "gather", "join", "compute", "branch", "loop", "sleep", "call",
    "return", "raise", "except", "child",
]  # fmt: skip
EdgeKind: TypeAlias = Literal[
    "next", "branch", "loop", "back", "fan_out", "fan_in", "error", "call"
]  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One vertex; `function` is `run` or the helper method whose cluster holds it.

    `detail` is secondary text (an action's import path), `badges` its policy (retry, timeout).
    """

    id: str
    kind: NodeKind
    label: str
    function: str
    detail: str = ""
    badges: tuple[str, ...] = ()
    span: ir.Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """`back` closes a loop, `error` leads to an except dispatcher, `call` to a helper."""

    source: str
    target: str
    kind: EdgeKind = "next"
    label: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """A helper method: its nodes are drawn together, apart from `run`'s."""

    name: str
    label: str
    nodes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Dag:
    workflow: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def edges_from(self, node_id: str) -> tuple[Edge, ...]:
        return tuple(edge for edge in self.edges if edge.source == node_id)
