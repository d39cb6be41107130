"""Calls of a method's local functions rewritten as calls of the helpers they become:
`fmt(x)` as `self.fmt(x, rate=rate)` (the variables it reads passed by keyword, with the
hidden variables of computed defaults a call leaves out), their `def`s taken out where they
stood. Which functions become helpers is decided in `local_functions`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from waymark_compiler.diagnostics import Sink
from waymark_compiler.lower.cells import CLOSURE, NotReferences
from waymark_compiler.lower.local_defaults import Default
from waymark_compiler.lower.placing import Placing, place
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_compiler.rules.workflow import NON_CONSTANT_DEFAULT
from waymark_compiler.source import Source


@dataclass(frozen=True, slots=True)
class Local:
    """A local function as a helper: its name, the variables of the method it is passed and
    its computed defaults."""

    helper: str
    captured: tuple[str, ...]
    defaults: tuple[Default, ...] = ()
    # its parameters when they are all plain (no default, `*` or keyword-only one): what a
    # lambda standing for it as a value takes
    params: tuple[str, ...] | None = None
    # used as a value (or declares `nonlocal`): the variables it reads are in cells, which
    # `captured` names and a value of it carries (`lower.cells`)
    kept: bool = False


class LocalCalls(NotReferences, Placing):
    """Calls of local functions through `self`, their definitions taken out."""

    def __init__(
        self, locals_: dict[str, Local], self_name: str, source: Source, sink: Sink
    ) -> None:
        super().__init__(source)
        self.locals = locals_
        self.self_name = self_name
        self.sink = sink
        self.skipped: set[int] = set()  # names that are not references: `x.fmt`, `f(fmt=1)`
        self.called: set[int] = set()  # names a function calls: `key=fmt`, `map(fmt, xs)`
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1 or node.name.value not in self.locals  # not another body

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.BaseStatement:
        self.depth -= 1
        local = self.locals.get(original.name.value)
        if self.depth >= 1 and local is not None:
            return self._evaluated_defaults(local)
        return updated

    def _evaluated_defaults(self, local: Local) -> cst.SimpleStatementLine:
        """Where the `def` ran: its computed defaults evaluated, once, as Python does there."""
        if not local.defaults:
            return cst.SimpleStatementLine(body=[cst.Pass()])
        assigns = []
        for default in local.defaults:
            value = default.value.visit(self)
            assert isinstance(value, cst.BaseExpression)
            target = cst.AssignTarget(cst.Name(default.hidden))
            assigns.append(cst.Assign(targets=[target], value=value))
            place(self.source, assigns[-1], default.value)
        return cst.SimpleStatementLine(body=assigns)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in self.locals:
            self.skipped.add(id(node.func))
        for index, arg in enumerate(node.args):
            keyed = arg.keyword is not None and arg.keyword.value == "key"
            mapped = index == 0 and isinstance(node.func, cst.Name) and node.func.value in _MAPS
            if keyed or (mapped and arg.keyword is None and not arg.star):
                self.called.add(id(arg.value))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Name) and func.value in self.locals):
            return updated
        local = self.locals[func.value]
        names = [*self._defaults_passed(local, func.value, original)]
        names += [(name, name) for name in local.captured]
        passed = [cst.Arg(keyword=cst.Name(k), value=cst.Name(v), equal=_EQUAL) for k, v in names]
        return updated.with_changes(func=self._method(local, func), args=[*updated.args, *passed])

    def _defaults_passed(self, local: Local, name: str, call: cst.Call) -> list[tuple[str, str]]:
        """`(parameter, hidden variable)` for each computed default the call does not give."""
        if not local.defaults or local.kept:  # kept: its hidden parameters carry them
            return []
        if any(arg.star for arg in call.args):
            what = ", ".join(f"`{d.param}`" for d in local.defaults)
            message = f"call of `{name}` with `*` or `**` arguments"
            help = f"pass {what} by keyword, or spell the arguments out"
            self.sink.error(NON_CONSTANT_DEFAULT, self.source.span(call), message,
                            "its computed defaults need the arguments spelled out", help)  # fmt: skip
            return []
        given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        count = sum(1 for arg in call.args if arg.keyword is None)
        return [
            (d.param, d.hidden)
            for d in local.defaults
            if d.param not in given and (d.position is None or d.position >= count)
        ]

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        local = self.locals.get(original.value)
        if local is None or id(original) in self.skipped:
            return updated
        if local.captured and local.params is not None and id(original) in self.called:
            return self._closure(local, original)
        if local.captured and local.kept:
            return self._with_cells(local, original)
        if local.captured:
            read = [name for name in local.captured if name not in self.source.hidden]
            what = ", ".join(f"`{name}`" for name in read) or "the method's variables"
            help = (f"pass it as `key=` or to `map`/`filter` (it then reads {what} as they are "
                    f"when it is called), call it (`lambda x: {original.value}(x)`), or pass "
                    f"{what} as arguments")  # fmt: skip
            message = f"local function `{original.value}` used as a value: it reads {what}"
            self.sink.error(FUNCTION_VALUE, self.source.span(original), message, "a closure",
                            help)  # fmt: skip
            reported = cst.Name("None")  # reported here: not again as a read of `self.name`
            place(self.source, reported, original)
            return reported
        return self._method(local, original)

    def _closure(self, local: Local, original: cst.Name) -> cst.Lambda:
        """`bucket` as a value: `lambda value: self.bucket(value, cuts=cuts)`, which reads the
        variables when it is called, as CPython's closure reads its cells."""
        assert local.params is not None
        args = [cst.Arg(cst.Name(name)) for name in local.params]
        args += [
            cst.Arg(keyword=cst.Name(n), value=cst.Name(n), equal=_EQUAL) for n in local.captured
        ]
        call = cst.Call(func=self._method(local, original), args=args)
        params = cst.Parameters(params=[cst.Param(cst.Name(name)) for name in local.params])
        made = cst.Lambda(params=params, body=call)
        for node in (call, *args, *(arg.value for arg in args), made):
            place(self.source, node, original)
        return made

    def _with_cells(self, local: Local, original: cst.Name) -> cst.Call:
        """`scale` as a value: `_wm_closure(self.scale, _wm_cell_rate=_wm_cell_rate)`, which
        lowers to a `functools.partial` of the helper holding its cells."""
        args = [cst.Arg(self._method(local, original))]
        args += [
            cst.Arg(keyword=cst.Name(n), value=cst.Name(n), equal=_EQUAL) for n in local.captured
        ]
        made = cst.Call(func=cst.Name(CLOSURE), args=args)
        for node in (made, *args, *(arg.value for arg in args)):
            place(self.source, node, original)
        return made

    def _method(self, local: Local, original: cst.Name) -> cst.Attribute:
        made = cst.Attribute(value=cst.Name(self.self_name), attr=cst.Name(local.helper))
        place(self.source, made, original)
        return made


_MAPS = frozenset({"map", "filter"})
_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)
