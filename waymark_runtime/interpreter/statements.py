"""Statements compiled to flat instructions, one `exec_<Stmt>` per IR statement node.

Structured control flow becomes jumps between pcs; `try` becomes a static pc range covered by a
handler dispatch instruction; loops keep their iterator in a frame slot. An `Await` becomes an
instruction that suspends with a request the machine fulfils; what each operation requests is
`operations`' to build, not this module's. Compile once, run many times. The labels, open
loops and except bodies it keeps while compiling are `compile_labels`'; the loop instructions
it emits, `loop_instructions`'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from waymark_runtime import ir
from waymark_runtime.dag import CallSite
from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter import instructions as ins
from waymark_runtime.interpreter import loop_instructions as loop_ins
from waymark_runtime.interpreter.code import AwaitSite, Code, Instr
from waymark_runtime.interpreter.compile_labels import Label, _awaits, _ExceptBody, _Loop
from waymark_runtime.interpreter.expressions import ExprCompiler
from waymark_runtime.interpreter.limits import weight
from waymark_runtime.interpreter.operations import compile_operation
from waymark_runtime.interpreter.patterns import compile_pattern
from waymark_runtime.interpreter.targets import compile_deletion, compile_target


class FunctionCompiler:
    """Compiles one function body to `Code`."""

    def __init__(
        self,
        function: ir.Function,
        exprs: ExprCompiler,
        call_sites: Mapping[int, CallSite] | None = None,
    ) -> None:
        self.function = function
        self.exprs = exprs
        self.call_sites = call_sites or {}
        self.counters = 0  # loop iteration counters: slots after the others (`counter_base`)
        self.counting: list[int] = []  # the counters of the loops around what is compiled
        self.counter_base = 0
        self.makers: list[Callable[[int], Instr]] = []
        self.lines: list[int] = []
        self.ranges: list[tuple[int, int, Label]] = []
        self.handling: list[tuple[int, int, int]] = []  # an `except` body: pcs and its slot
        self.loops: list[_Loop] = []
        self.excepts: list[_ExceptBody] = []
        self.awaits: dict[int, AwaitSite] = {}
        self.nslots = 0
        self.line = function.span.line if function.span else 0
        self.yields: set[int] = set()  # the pcs of its `yield`s: the function is a generator

    # -- assembly -----------------------------------------------------------------------------

    def emit(self, make: Callable[[int], Instr]) -> int:
        """Add an instruction; `make(pc)` builds it once every label is bound."""
        self.makers.append(make)
        self.lines.append(self.line)
        return len(self.makers) - 1

    def bind(self, label: Label) -> None:
        label.pc = len(self.makers)

    def slot(self) -> int:
        self.nslots += 1
        return self.nslots - 1

    def counter(self, body: tuple[Any, ...]) -> int | None:
        """A new counter for a loop over `body`, None when nothing in it awaits (nothing to
        tell apart); its slot is `counter_base + counter`, known once compiled."""
        if not _awaits(body):
            return None
        self.counters += 1
        return self.counters - 1

    def counter_slot(self, count: int | None) -> int | None:
        return None if count is None else self.counter_base + count

    def compile(self) -> Code:
        self.block(self.function.body)
        self.emit(lambda pc: ins.return_none)
        # Counters come after the other slots, so a state saved before they existed still
        # finds its iterators where they were.
        base = self.counter_base = self.nslots
        self.nslots += self.counters
        for pc, site in self.awaits.items():
            self.awaits[pc] = replace(site, loops=tuple(base + k for k in site.loops))
        instrs = [make(pc) for pc, make in enumerate(self.makers)]
        handler_at = [-1] * len(instrs)
        for start, end, label in sorted(self.ranges, key=lambda r: (r[0], -r[1])):
            handler_at[start:end] = [label.pc] * (end - start)
        handled_at = [-1] * len(instrs)
        for start, end, slot in sorted(self.handling, key=lambda r: (r[0], -r[1])):
            handled_at[start:end] = [slot] * (end - start)
        defaults = {
            p.name: self.exprs.compile(p.default)
            for p in self.function.params
            if p.default is not None
        }
        return Code(
            name=self.function.name,
            title=self.function.qualname or self.function.name,  # (a text that does not say)
            bound=self.function.bound,
            closure=self.function.closure,
            params=self.function.params,
            defaults=defaults,
            instrs=instrs,
            handler_at=handler_at,
            handled_at=handled_at,
            nslots=self.nslots,
            awaits=self.awaits,
            lines=self.lines,
            module=self.function.module,
            generator=bool(self.yields),
            yields=frozenset(self.yields),
        )

    def block(self, body: tuple[Any, ...]) -> None:
        for stmt in body:
            if stmt.span is not None:
                self.line = stmt.span.line
            method = getattr(self, "exec_" + type(stmt).__name__, None)
            if method is None:
                raise InternalError(
                    f"the interpreter has no rule for statement node {type(stmt).__name__}"
                )
            method(stmt)

    def expr(self, node: Any) -> Any:
        return self.exprs.compile(node)

    def target(self, node: Any) -> Any:
        return compile_target(node, self.exprs.compile, self.exprs.guards, self.exprs.library)

    # -- simple statements --------------------------------------------------------------------

    def exec_Assign(self, node: ir.Assign) -> None:
        value = self.expr(node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0], ir.Name):
            name = node.targets[0].id
            self.emit(lambda pc: ins.assign_name(name, value, pc + 1))
            return
        targets = [self.target(t) for t in node.targets]
        self.emit(lambda pc: ins.assign(targets, value, pc + 1))

    def exec_AugAssign(self, node: ir.AugAssign) -> None:
        guards = self.exprs.guards
        if isinstance(node.target, ir.Name):
            name = node.target.id
            if isinstance(node.value, ir.Const):
                constant = node.value.value
                self.emit(lambda pc: ins.augmented(node.op, "NC", name, constant, pc + 1, guards))
            else:
                value = self.expr(node.value)
                self.emit(lambda pc: ins.augmented(node.op, "NE", name, value, pc + 1, guards))
            return
        if isinstance(node.target, ir.Attribute):
            obj, attr = self.expr(node.target.value), node.target.attr
            update = self.expr(node.value)
            library = self.exprs.library
            self.emit(
                lambda pc: ins.augmented_attribute(node.op, obj, attr, update, pc + 1, library)
            )
            return
        if not isinstance(node.target, ir.Subscript):
            raise InternalError(f"unknown augmented assignment target {type(node.target).__name__}")
        container, index = self.expr(node.target.value), self.expr(node.target.index)
        value = self.expr(node.value)
        self.emit(lambda pc: ins.augmented_item(node.op, container, index, value, pc + 1, guards))

    def exec_Delete(self, node: ir.Delete) -> None:
        exprs = self.exprs
        deletions = [compile_deletion(t, exprs.compile, exprs.meter) for t in node.targets]
        self.emit(lambda pc: ins.delete(deletions, pc + 1))

    def exec_ExprStmt(self, node: ir.ExprStmt) -> None:
        value = self.expr(node.value)
        self.emit(lambda pc: ins.evaluate(value, pc + 1))

    def exec_Pass(self, node: ir.Pass) -> None:
        return

    def exec_Log(self, node: ir.Log) -> None:
        arguments = self.exprs.arguments((node.message, *node.args), ())
        where, journal = (self.function.name, self.line), self.exprs.library.bounded.journal
        handled = self.excepts[-1].slot if self.excepts else None
        self.emit(lambda pc: ins.log(node.level, arguments, where, pc + 1, journal, handled))

    def exec_Return(self, node: ir.Return) -> None:
        if node.value is None:
            self.emit(lambda pc: ins.return_none)
            return
        value = self.expr(node.value)
        self.emit(lambda pc: ins.return_value(value))

    def exec_Yield(self, node: ir.Yield) -> None:
        if self.function.is_async:
            raise ProgramError("`yield` in an async function: only a synchronous helper yields")
        value = None if node.value is None else self.expr(node.value)
        self.yields.add(self.emit(lambda pc: ins.yield_value(value)))
        if node.target is not None:  # `x = yield value`: what resumed it (`Generator.send`)
            target = self.target(node.target)
            self.emit(lambda pc: ins.take_sent(target, pc + 1))

    def exec_Raise(self, node: ir.Raise) -> None:
        if node.exc is not None:
            value, library = self.expr(node.exc), self.exprs.library
            cause = None if node.cause is None else self.expr(node.cause)
            self.emit(lambda pc: ins.raise_value(value, library, cause))
        elif self.excepts:
            slot = self.excepts[-1].slot
            self.emit(lambda pc: ins.reraise(slot))
        else:
            self.emit(lambda pc: ins.no_active_exception)

    # -- branches and loops -------------------------------------------------------------------

    def exec_If(self, node: ir.If) -> None:
        test, orelse, end = self.expr(node.test), Label(), Label()
        self.emit(lambda pc: ins.branch(test, pc + 1, orelse.pc))
        self.block(node.body)
        if node.orelse:
            self.emit(lambda pc: ins.jump(end.pc))
            self.bind(orelse)
            self.block(node.orelse)
            self.bind(end)
        else:
            self.bind(orelse)

    def exec_While(self, node: ir.While) -> None:
        test, body, again, exit_ = self.expr(node.test), Label(), Label(), Label()
        cost = 1 + weight(node.test) + weight(node.body)
        count = self.counter(node.body)
        self.emit(lambda pc: loop_ins.while_enter(test, pc + 1, exit_.pc, self.counter_slot(count)))
        self.bind(body)
        self.loop_body(node.body, _Loop(again, exit_, None, len(self.excepts)), count)
        self.bind(again)
        meter = self.exprs.meter
        self.emit(lambda pc: loop_ins.loop_back(test, body.pc, exit_.pc, cost,
                                                self.counter_slot(count), meter))  # fmt: skip
        self.bind(exit_)

    def exec_For(self, node: ir.For) -> None:
        slot, source = self.slot(), self.expr(node.iter)
        body, again, exit_ = Label(), Label(), Label()
        count = self.counter(node.body)
        step = self._for_step(node.target, slot, count)
        cost = 1 + weight(node.target) + weight(node.body)
        self.emit(lambda pc: loop_ins.for_init(slot, source, pc + 1, self.counter_slot(count)))
        self.emit(lambda pc: step(pc + 1, exit_.pc))
        self.bind(body)
        self.loop_body(node.body, _Loop(again, exit_, slot, len(self.excepts)), count)
        self.bind(again)
        self.emit(lambda pc: step(body.pc, exit_.pc, cost))
        self.bind(exit_)

    def _for_step(self, target: Any, slot: int, count: int | None) -> Callable[..., Instr]:
        """Builds the step `(next pc, exit pc, cost=0)`; the bottom one costs an iteration."""
        meter = self.exprs.meter
        if isinstance(target, ir.Name):
            name = target.id

            def by_name(nxt: int, done: int, cost: int = 0) -> Instr:
                step = loop_ins.for_next_name(slot, name, nxt, done, self.counter_slot(count))
                return loop_ins.counted(step, cost, meter) if cost else step

            return by_name
        assign = self.target(target)

        def by_target(nxt: int, done: int, cost: int = 0) -> Instr:
            step = loop_ins.for_next(slot, assign, nxt, done, self.counter_slot(count))
            return loop_ins.counted(step, cost, meter) if cost else step

        return by_target

    def loop_body(self, body: tuple[Any, ...], loop: _Loop, count: int | None) -> None:
        self.loops.append(loop)
        counting = [*self.counting, count] if count is not None else self.counting
        self.counting, outer = counting, self.counting
        self.block(body)
        self.counting = outer
        self.loops.pop()

    def _leave_loop(self) -> tuple[_Loop, list[tuple[int, str | None]]]:
        """The innermost loop and the except bodies a `break`/`continue` leaves on its way."""
        if not self.loops:
            raise ProgramError("`break` or `continue` outside a loop")
        loop = self.loops[-1]
        cleanups = [(e.slot, e.name) for e in self.excepts[loop.handlers :]]
        return loop, cleanups

    def exec_Break(self, node: ir.Break) -> None:
        loop, cleanups = self._leave_loop()
        if loop.slot is not None:
            cleanups.append((loop.slot, None))
        self.emit(lambda pc: ins.leave(cleanups, loop.exit.pc))

    def exec_Continue(self, node: ir.Continue) -> None:
        loop, cleanups = self._leave_loop()
        self.emit(lambda pc: ins.leave(cleanups, loop.again.pc))

    # -- exceptions ---------------------------------------------------------------------------

    def exec_Try(self, node: ir.Try) -> None:
        dispatch, end = Label(), Label()
        start = len(self.makers)
        self.block(node.body)
        self.ranges.append((start, len(self.makers), dispatch))
        self.emit(lambda pc: ins.jump(end.pc))
        self.bind(dispatch)
        slot = self.slot()
        labels = [Label() for _ in node.handlers]
        table = [(h.types, h.name, label) for h, label in zip(node.handlers, labels, strict=True)]
        self.emit(lambda pc: ins.dispatch(table, slot))
        for handler, label in zip(node.handlers, labels, strict=True):
            self.bind(label)
            self.excepts.append(_ExceptBody(slot, handler.name))
            start = len(self.makers)
            self.block(handler.body)
            self.handling.append((start, len(self.makers), slot))
            self.excepts.pop()
            self.emit(_leave_handler(slot, handler.name, end))
        self.bind(end)

    # -- match --------------------------------------------------------------------------------

    def exec_Match(self, node: ir.Match) -> None:
        subject, end = self.expr(node.subject), Label()
        labels = [Label() for _ in node.cases]
        cases = [
            (
                compile_pattern(c.pattern, self.exprs),
                None if c.guard is None else self.expr(c.guard),
                label,
            )
            for c, label in zip(node.cases, labels, strict=True)
        ]
        self.emit(lambda pc: ins.match(subject, cases, end.pc))
        for case, label in zip(node.cases, labels, strict=True):
            self.bind(label)
            self.block(case.body)
            self.emit(lambda pc: ins.jump(end.pc))
        self.bind(end)

    # -- durable operations -------------------------------------------------------------------

    def exec_Await(self, node: ir.Await) -> None:
        if not self.function.is_async:
            raise ProgramError(f"`await` inside the synchronous helper `{self.function.name}`")
        assign = None if node.target is None else self.target(node.target)
        site, request = compile_operation(node.op, assign, self.exprs)
        where = self.call_sites.get(id(node))
        if where is not None:
            items = where.items or (where.node,)
            site = replace(site, node=where.node, items=items, loops=tuple(self.counting))
        if site.flag is not None:
            site = replace(site, flag_slot=self.slot())
        # The site is read when built: `compile` completes it with the counters' slots.
        pc = self.emit(lambda pc: ins.suspend(self.awaits[pc], request))
        self.awaits[pc] = site


def _leave_handler(slot: int, name: str | None, end: Label) -> Callable[[int], Instr]:
    return lambda pc: ins.leave([(slot, name)], end.pc)
