"""The DAG's data: frozen `Node`, `Edge`, `Cluster` and `Dag`, with nothing but look-ups.

Derived by `dag.build` from the IR and drawn by `waymark_compiler.graph`; never authored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from waymark_runtime import ir

NodeKind: TypeAlias = Literal[
    "start", "end", "action", "gather", "join", "compute", "branch", "loop", "sleep", "call",
    "return", "raise", "except", "child", "signal",
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


@dataclass(frozen=True, slots=True)
class CallSite:
    """The nodes of one `await`: `node` is the awaited operation's (an action, a gather, a
    sleep or a helper call); a gather's `items` are its items' action nodes, in order."""

    node: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Dag:
    """`call_sites` maps each `ir.Await` statement of the program, by identity (`id()`, valid
    while the program lives), to its nodes: how the interpreter names the site of what it
    dispatches (`interpreter.program`), from the same walk that drew the graph."""

    workflow: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]
    call_sites: dict[int, CallSite] = field(default_factory=dict, compare=False, repr=False)

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def edges_from(self, node_id: str) -> tuple[Edge, ...]:
        return tuple(edge for edge in self.edges if edge.source == node_id)
