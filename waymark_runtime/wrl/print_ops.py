"""Canonical `.wrl` text of durable operations (the part of a statement after `await`): action
and child calls with their policies, sleeps, signals, tasks and their groups, timers; and the
`workflow` line. `print_stmt` prints the statements around them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError
from waymark_runtime.wrl import lexicon
from waymark_runtime.wrl.print_expr import arguments, expr, generators


def workflow_line(name: str) -> str:
    """The `workflow` line naming `name` (without its location)."""
    if lexicon.is_identifier(name) and name not in lexicon.HARD_KEYWORDS:
        return f"workflow {name}"
    return f"workflow {lexicon.format_string(name)}"


def gathered_call(call: ir.ActionCall | ir.CallAsyncHelper) -> str:
    return _async_helper(call) if isinstance(call, ir.CallAsyncHelper) else action_call(call)


def spread_clauses(spread: ir.Spread) -> str:
    if not spread.generators:
        raise InternalError("a spread needs at least one `for` clause")
    return generators(spread.generators)


def action_call(call: ir.ActionCall) -> str:
    if call.child:
        return _child_call(call)
    callee = lexicon.format_path(call.action) if call.callee is None else f"({expr(call.callee)})"
    text = f"action {callee}({arguments(call.args, call.kwargs)})"
    return text + ("" if call.policy is None else policy(call.policy))


def _child_call(call: ir.ActionCall) -> str:
    """`child Name(k=v)`, `detached` when not blocking (a name that is not one is quoted)."""
    name = workflow_line(call.action).removeprefix("workflow ")
    text = f"child {name}({arguments((), call.kwargs)})"
    return text + ("" if call.blocking else " detached")


def _sleep(op: ir.Sleep) -> str:
    return f"sleep({expr(op.seconds)})"


def _async_helper(op: ir.CallAsyncHelper) -> str:
    name = lexicon.format_name(op.name, lexicon.HARD_KEYWORDS)
    return f"self.{name}({arguments(op.args, op.kwargs)})"


def _wait_for_signal(op: ir.WaitForSignal) -> str:
    """`signal("name", "type text")`, then `, timeout=seconds` when it has one."""
    timeout = "" if op.timeout is None else f", timeout={expr(op.timeout)}"
    return f"signal({lexicon.format_string(op.name)}, {lexicon.format_string(op.type)}{timeout})"


def _start(op: ir.Start) -> str:
    if op.group is not None:
        return f"start in {_name(op.group)} {gathered_call(op.call)}"
    return f"start {gathered_call(op.call)}"


def _join(op: ir.Join) -> str:
    if op.method is not None:
        return f"join({expr(op.task)}).{op.method}()"
    if not op.many:
        return f"join({expr(op.task)}{', shielded' if op.shielded else ''})"
    returning = ", return_exceptions" if op.return_exceptions else ""
    return f"join(*{expr(op.task)}{returning})"


def _wait_tasks(op: ir.WaitTasks) -> str:
    timeout = "" if op.timeout is None else f", timeout={expr(op.timeout)}"
    deadline = "" if op.deadline is None else f", deadline={_name(op.deadline)}"
    return f"wait({expr(op.tasks)}, {op.return_when}{timeout}{deadline})"


def _timer(op: ir.Timer) -> str:
    return f"timer({_name(op.name)}, {expr(op.seconds)})"


def _task_group(op: ir.TaskGroup) -> str:
    return f"taskgroup({_name(op.name)})"


def _leave_group(op: ir.LeaveGroup) -> str:
    return f"leave({_name(op.name)}, {_name(op.error)})"


def _name(name: str) -> str:
    return lexicon.format_name(name, lexicon.HARD_KEYWORDS)


OPERATION_PRINTERS: dict[type, Callable[[Any], str]] = {
    ir.Timer: _timer,
    ir.TaskGroup: _task_group,
    ir.LeaveGroup: _leave_group,
    ir.WaitTasks: _wait_tasks,
    ir.ActionCall: action_call,
    ir.Start: _start,
    ir.Join: _join,
    ir.Sleep: _sleep,
    ir.WaitForSignal: _wait_for_signal,
    ir.CallAsyncHelper: _async_helper,
}


# --- policies -------------------------------------------------------------------------------------


def policy(node: ir.Policy) -> str:
    """` retry(...) backoff(...) timeout(...)`; an empty policy prints as ` retry()`."""
    retry = _options(
        ("attempts", node.attempts if node.attempts_expr is None else node.attempts_expr),
        ("on", None if node.exception_types is None else _class_list(node.exception_types)),
        ("backoff_seconds", node.backoff_seconds),
    )
    clauses = [f"retry({retry})"] if retry or _is_empty(node) else []
    if node.backoff is not None:
        clauses.append(f"backoff({_backoff(node.backoff)})")
    clause = "wait_for" if node.plain_timeout else "timeout"
    if node.timeout is not None:
        clauses.append(f"{clause}({_number(node.timeout)})")
    elif node.timeout_expr is not None:
        clauses.append(f"{clause}(({expr(node.timeout_expr)}))")
    return "".join(" " + clause for clause in clauses)


def _is_empty(node: ir.Policy) -> bool:
    fields = (node.attempts, node.exception_types, node.backoff_seconds, node.backoff, node.timeout,
              node.attempts_expr, node.timeout_expr)  # fmt: skip
    return all(value is None for value in fields)


def _backoff(node: ir.Backoff) -> str:
    return _options(
        ("base", node.base_delay),
        ("multiplier", node.multiplier),
        ("max", node.max_delay),
        ("jitter", node.jitter),
    )


def _options(*pairs: tuple[str, Any]) -> str:
    parts = []
    for name, value in pairs:
        if isinstance(value, str):
            parts.append(f"{name}={value}")
        elif isinstance(value, int | float):
            parts.append(f"{name}={_number(value)}")
        elif value is not None:
            parts.append(f"{name}=({expr(value)})")  # evaluated when the action is dispatched
    return ", ".join(parts)


def _class_list(names: Sequence[str]) -> str:
    return "[" + ", ".join(lexicon.format_class_name(name) for name in names) + "]"


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InternalError(f"a policy option must be a number, got {value!r}")
    return lexicon.format_signed_number(value)
