"""Building the DAG from the IR: one visitor per statement, threading dangling exits.

Each visitor receives the exits of what came before (edges still waiting for a target) and
returns its own, so branches, loops and try blocks join up without merge nodes. Node ids are
statement paths (`run.2.then.0`, `run.3.join`); nothing here depends on spans or dict order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from waymark_runtime import ir
from waymark_runtime.dag import python as py
from waymark_runtime.dag.labels import (
    _action_label,
    _badges,
    _case_label,
    _clip,
    _detail,
    _flag_text,
    _handler_label,
    _jump,
    _kind,
)
from waymark_runtime.dag.model import CallSite, Cluster, Dag, Edge, EdgeKind, Node, NodeKind
from waymark_runtime.errors import ProgramError

# An edge waiting for its target: (source id, kind, label).
Exit: TypeAlias = tuple[str, EdgeKind, str]
Visitor: TypeAlias = Callable[[Any, "_At"], list[Exit]]

# A log line is shown in the box of the pure statements around it: it waits on nothing.
_PURE = (ir.Assign, ir.AugAssign, ir.Delete, ir.ExprStmt, ir.Pass, ir.Log, ir.Yield)
# Kinds whose failure a surrounding `try` can catch (gather items fail at their join).
_CAN_FAIL = frozenset({"action", "join", "call", "raise", "sleep", "child", "signal"})


def build_dag(program: ir.Workflow) -> Dag:
    """The graph of `run()` plus one cluster per helper method."""
    builder = _Builder()
    builder.function(program.run, f"start {program.name}", "end")
    clusters = tuple(_helper(builder, helper) for helper in program.helpers)
    return Dag(
        workflow=program.name,
        nodes=tuple(builder.nodes),
        edges=tuple(builder.edges),
        clusters=clusters,
        call_sites=builder.call_sites,
    )


def _helper(builder: _Builder, helper: ir.Function) -> Cluster:
    before = len(builder.nodes)
    builder.function(helper, f"def {helper.name}({py.params(helper.params)})", "return")
    nodes = tuple(node.id for node in builder.nodes[before:])
    return Cluster(name=helper.name, label=f"self.{helper.name}", nodes=nodes)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where control can jump from inside a block: the end, the loop, the except dispatcher."""

    function: str
    end: str
    loop: str | None = None
    breaks: list[Exit] | None = None
    handler: str | None = None


@dataclass(frozen=True, slots=True)
class _At:
    """Where a statement lands: its node id, the exits leading to it, and its scope.

    `assigned` is the `target = ` of an enclosing `Await`, shown in the operation's label;
    `span` is that statement's, for an operation that has none of its own (a parsed `.wrl`).
    """

    id: str
    exits: list[Exit]
    scope: _Scope
    assigned: str = ""
    span: ir.Span | None = None


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.call_sites: dict[int, CallSite] = {}

    def function(self, function: ir.Function, start_label: str, end_label: str) -> None:
        scope = _Scope(function=function.name, end=f"{function.name}.end")
        start = self.add(scope, f"{function.name}.start", "start", start_label, span=function.span)
        exits = self.block(function.body, function.name, [(start, "next", "")], scope)
        self.add(scope, scope.end, "end", end_label)
        self.connect(exits, scope.end)

    def block(
        self, body: Sequence[ir.Stmt], path: str, exits: list[Exit], scope: _Scope
    ) -> list[Exit]:
        for index, group in _groups(body):
            at = _At(f"{path}.{index}", exits, scope)
            exits = self.compute(group, at) if isinstance(group, list) else self.visit(group, at)
        return exits

    def visit(self, stmt: ir.Stmt | ir.Operation, at: _At) -> list[Exit]:
        visitor: Visitor | None = getattr(self, f"visit_{type(stmt).__name__}", None)
        if visitor is None:
            raise TypeError(f"no DAG visitor for {type(stmt).__name__}")
        return visitor(stmt, at)

    def add(self, scope: _Scope, node_id: str, kind: NodeKind, label: str, **extra: Any) -> str:
        node = Node(id=node_id, kind=kind, label=_clip(label), function=scope.function, **extra)
        self.nodes.append(node)
        return node_id

    def connect(self, exits: Sequence[Exit], target: str, kind: EdgeKind | None = None) -> None:
        for source, exit_kind, label in exits:
            self.edges.append(
                Edge(source=source, target=target, kind=kind or exit_kind, label=label)
            )

    def step(self, at: _At, kind: NodeKind, label: str, **extra: Any) -> list[Exit]:
        """A node reached from `at.exits`; one that can fail also leads to the except dispatcher."""
        if extra.get("span") is None and at.span is not None:
            extra["span"] = at.span
        self.add(at.scope, at.id, kind, label, **extra)
        self.connect(at.exits, at.id)
        if at.scope.handler is not None and kind in _CAN_FAIL:
            self.edges.append(
                Edge(source=at.id, target=at.scope.handler, kind="error", label="raises")
            )
        return [(at.id, "next", "")]

    def compute(self, stmts: list[ir.Stmt], at: _At) -> list[Exit]:
        lines = [_clip(py.pure_stmt(stmt)) for stmt in stmts[:3]]
        lines += ["…"] if len(stmts) > 3 else []
        return self.step(at, "compute", "\n".join(lines), span=stmts[0].span)

    # Durable operations: `target = await <operation>` ------------------------------------------

    def visit_Await(self, stmt: ir.Await, at: _At) -> list[Exit]:
        assigned = f"{py.target(stmt.target)} = " if stmt.target is not None else ""
        items = len(stmt.op.items) if isinstance(stmt.op, ir.Gather) else 0
        self.call_sites[id(stmt)] = CallSite(at.id, tuple(_item_id(at.id, i) for i in range(items)))
        return self.visit(stmt.op, replace(at, assigned=assigned, span=stmt.span))

    def visit_ActionCall(self, call: ir.ActionCall, at: _At) -> list[Exit]:
        label = at.assigned + _action_label(call)
        return self.step(
            at, _kind(call), label, detail=_detail(call), badges=_badges(call.policy),
            span=call.span,
        )  # fmt: skip

    def visit_Gather(self, gather: ir.Gather, at: _At) -> list[Exit]:
        flag = gather.return_exceptions
        badges: tuple[str, ...] = ()
        if flag is not False:
            badges += ("return_exceptions" + _flag_text(flag),)
        if gather.timeout is not None:
            badges += (f"wait_for {py.expr(gather.timeout)}",)
        if gather.groups:
            badges += ("nested gathers",)
        self.step(at, "gather", "gather", badges=badges, span=gather.span)
        join = f"{at.id}.join"
        for index, item in enumerate(gather.items):
            self.gather_item(item, _item_id(at.id, index), at, join)
        label = f"{at.assigned}join"
        return self.step(_At(join, [], at.scope), "join", label, span=gather.span)

    def gather_item(
        self, item: ir.ActionCall | ir.CallAsyncHelper | ir.Spread, node_id: str, at: _At, join: str
    ) -> None:
        call = item.call if isinstance(item, ir.Spread) else item
        kind: NodeKind
        detail: str | None
        badges: tuple[str, ...]
        if isinstance(call, ir.CallAsyncHelper):  # a task of its own: a call of the helper
            label = f"self.{call.name}({py.arguments(call.args, call.kwargs)})"
            kind, detail, badges = "call", None, ()
            self.edges.append(Edge(source=node_id, target=f"{call.name}.start", kind="call"))
        else:
            label, kind = _action_label(call), _kind(call)
            detail, badges = _detail(call), _badges(call.policy)
        if isinstance(item, ir.Spread):
            label = f"{label}\n{py.generators(item.generators)}"  # one call per element
        self.add(
            at.scope, node_id, kind, label, detail=detail, badges=badges, span=item.span
        )  # fmt: skip
        self.edges.append(Edge(source=at.id, target=node_id, kind="fan_out"))
        self.edges.append(Edge(source=node_id, target=join, kind="fan_in"))

    def visit_Sleep(self, sleep: ir.Sleep, at: _At) -> list[Exit]:
        seconds = sleep.seconds
        amount = f"{seconds.value}s" if isinstance(seconds, ir.Const) else py.expr(seconds)
        return self.step(at, "sleep", f"sleep {amount}", span=sleep.span)

    def visit_WaitForSignal(self, wait: ir.WaitForSignal, at: _At) -> list[Exit]:
        label = f"{at.assigned}wait for signal {wait.name!r}"
        badges = () if wait.timeout is None else (f"timeout {py.expr(wait.timeout)}",)
        return self.step(at, "signal", label, detail=wait.type, badges=badges, span=wait.span)

    def visit_CallAsyncHelper(self, call: ir.CallAsyncHelper, at: _At) -> list[Exit]:
        label = f"{at.assigned}self.{call.name}({py.arguments(call.args, call.kwargs)})"
        exits = self.step(at, "call", label, span=call.span)
        self.edges.append(Edge(source=at.id, target=f"{call.name}.start", kind="call"))
        return exits

    def visit_Start(self, start: ir.Start, at: _At) -> list[Exit]:
        """A task started, not awaited: the call it runs, drawn as the call is."""
        call = start.call
        if isinstance(call, ir.CallAsyncHelper):
            label = f"{at.assigned}start self.{call.name}({py.arguments(call.args, call.kwargs)})"
            self.edges.append(Edge(source=at.id, target=f"{call.name}.start", kind="call"))
            return self.step(at, "call", label, span=start.span)
        label = f"{at.assigned}start {_action_label(call)}"
        return self.step(at, _kind(call), label, detail=_detail(call),
                         badges=_badges(call.policy), span=start.span)  # fmt: skip

    def visit_Join(self, join: ir.Join, at: _At) -> list[Exit]:
        if join.method is not None:
            label = f"{at.assigned}{py.expr(join.task)}.{join.method}()"
            return self.step(at, "join", label, span=join.span)
        label = f"{at.assigned}join {'*' if join.many else ''}{py.expr(join.task)}"
        return self.step(at, "join", label, span=join.span)

    def visit_Timer(self, timer: ir.Timer, at: _At) -> list[Exit]:
        """`async with asyncio.timeout(seconds):`: the timer bounding the block that follows."""
        return self.step(at, "sleep", f"timeout {py.expr(timer.seconds)}", span=timer.span)

    def visit_TaskGroup(self, group: ir.TaskGroup, at: _At) -> list[Exit]:
        """`async with asyncio.TaskGroup() as tg:`: the group the block's tasks belong to."""
        return self.step(at, "join", "taskgroup", span=group.span)

    def visit_LeaveGroup(self, leave: ir.LeaveGroup, at: _At) -> list[Exit]:
        """The end of the block: every task of the group is waited for."""
        return self.step(at, "join", f"{at.assigned}leave taskgroup", span=leave.span)

    def visit_WaitTasks(self, wait: ir.WaitTasks, at: _At) -> list[Exit]:
        label = f"{at.assigned}wait {py.expr(wait.tasks)} {wait.return_when}"
        return self.step(at, "join", label, span=wait.span)

    # Control flow --------------------------------------------------------------------------

    def visit_If(self, stmt: ir.If, at: _At) -> list[Exit]:
        self.step(at, "branch", f"if {py.expr(stmt.test)}", span=stmt.span)
        then = self.block(stmt.body, f"{at.id}.then", [(at.id, "branch", "true")], at.scope)
        return then + self.block(
            stmt.orelse, f"{at.id}.else", [(at.id, "branch", "false")], at.scope
        )

    def visit_Match(self, stmt: ir.Match, at: _At) -> list[Exit]:
        self.step(at, "branch", f"match {py.expr(stmt.subject)}", span=stmt.span)
        after: list[Exit] = []
        for index, case in enumerate(stmt.cases):
            entry: Exit = (at.id, "branch", _clip(_case_label(case)))
            after += self.block(case.body, f"{at.id}.case{index}", [entry], at.scope)
        if not any(_irrefutable(case) for case in stmt.cases):
            after.append((at.id, "branch", "no match"))
        return after

    def visit_For(self, stmt: ir.For, at: _At) -> list[Exit]:
        self.step(
            at, "loop", f"for {py.target(stmt.target)} in {py.expr(stmt.iter)}", span=stmt.span
        )
        return self.loop_body(stmt.body, at, "each", "done")

    def visit_While(self, stmt: ir.While, at: _At) -> list[Exit]:
        self.step(at, "loop", f"while {py.expr(stmt.test)}", span=stmt.span)
        forever = isinstance(stmt.test, ir.Const) and bool(stmt.test.value)
        return self.loop_body(stmt.body, at, "true", None if forever else "false")

    def loop_body(
        self, body: Sequence[ir.Stmt], at: _At, enter: str, leave: str | None
    ) -> list[Exit]:
        breaks: list[Exit] = []
        scope = _Scope(at.scope.function, at.scope.end, at.id, breaks, at.scope.handler)
        exits = self.block(body, f"{at.id}.body", [(at.id, "loop", enter)], scope)
        self.connect(exits, at.id, kind="back")
        done: list[Exit] = [(at.id, "loop", leave)] if leave else []
        return done + breaks

    def visit_Break(self, stmt: ir.Break, at: _At) -> list[Exit]:
        if at.scope.breaks is None:
            raise ProgramError(_outside("break", stmt))
        at.scope.breaks.extend(
            (source, kind, _jump(label, "break")) for source, kind, label in at.exits
        )
        return []

    def visit_Continue(self, stmt: ir.Continue, at: _At) -> list[Exit]:
        if at.scope.loop is None:
            raise ProgramError(_outside("continue", stmt))
        exits = [(source, kind, _jump(label, "continue")) for source, kind, label in at.exits]
        self.connect(exits, at.scope.loop, kind="back")
        return []

    def visit_Return(self, stmt: ir.Return, at: _At) -> list[Exit]:
        value = f" {py.expr(stmt.value)}" if stmt.value is not None else ""
        self.step(at, "return", f"return{value}", span=stmt.span)
        self.edges.append(Edge(source=at.id, target=at.scope.end))
        return []

    def visit_Raise(self, stmt: ir.Raise, at: _At) -> list[Exit]:
        label = f"raise {py.expr(stmt.exc)}" if stmt.exc is not None else "raise"
        if stmt.exc is not None and stmt.cause is not None:
            label += f" from {py.expr(stmt.cause)}"
        self.step(at, "raise", label, span=stmt.span)
        return []

    def visit_Try(self, stmt: ir.Try, at: _At) -> list[Exit]:
        dispatcher, outer = f"{at.id}.except", at.scope.handler
        scope = _Scope(at.scope.function, at.scope.end, at.scope.loop, at.scope.breaks, dispatcher)
        after = self.block(stmt.body, f"{at.id}.body", at.exits, scope)
        self.add(at.scope, dispatcher, "except", "except", span=stmt.span)
        for index, handler in enumerate(stmt.handlers):
            entry: Exit = (dispatcher, "error", _clip(_handler_label(handler)))
            after += self.block(handler.body, f"{at.id}.h{index}", [entry], at.scope)
        if outer is not None and all(handler.types for handler in stmt.handlers):
            self.edges.append(
                Edge(source=dispatcher, target=outer, kind="error", label="unhandled")
            )
        return after


def _groups(body: Sequence[ir.Stmt]) -> Iterator[tuple[int, ir.Stmt | list[ir.Stmt]]]:
    """Statements with their index; a run of pure statements comes as one list."""
    run: list[ir.Stmt] = []
    for index, stmt in enumerate(body):
        if isinstance(stmt, _PURE):
            run.append(stmt)
            continue
        if run:
            yield index - len(run), run
            run = []
        yield index, stmt
    if run:
        yield len(body) - len(run), run


def _item_id(gather: str, index: int) -> str:
    return f"{gather}.{index}"


def _irrefutable(case: ir.MatchCase) -> bool:
    return (
        case.guard is None and isinstance(case.pattern, ir.MatchAs) and case.pattern.pattern is None
    )


def _outside(word: str, stmt: ir.Break | ir.Continue) -> str:
    """Why a stored program has no graph: Python could not have written it."""
    where = f" at line {stmt.span.line}" if stmt.span else ""
    return f"`{word}` outside a loop{where}"
