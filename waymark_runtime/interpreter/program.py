"""A workflow's functions compiled once to `Code`, cached by program identity.

Runners hold one parsed `ir.Workflow` per program version, so caching by identity means each
program is compiled once per process; the cache is bounded and keeps the program alive while
its entry lives (so an id is never reused for a different program while cached).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from waymark_runtime import ir
from waymark_runtime.dag import CallSite, build_dag
from waymark_runtime.interpreter.code import Code
from waymark_runtime.interpreter.expressions import ExprCompiler
from waymark_runtime.interpreter.statements import FunctionCompiler
from waymark_runtime.nesting import make_room

_CACHE_LIMIT = 512


@dataclass(frozen=True, slots=True)
class Program:
    source: ir.Workflow
    functions: dict[str, Code]

    @property
    def run(self) -> Code:
        return self.functions[self.source.run.name]


_CACHE: OrderedDict[int, Program] = OrderedDict()


def compiled(workflow: ir.Workflow) -> Program:
    """The compiled form of `workflow`, compiling it on first use."""
    program = _CACHE.get(id(workflow))
    if program is not None and program.source is workflow:
        _CACHE.move_to_end(id(workflow))
        return program
    program = _compile(workflow)
    _CACHE[id(workflow)] = program
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.popitem(last=False)
    return program


def _compile(workflow: ir.Workflow) -> Program:
    make_room()  # compiling and evaluating expressions recurse once per level of nesting
    functions: dict[str, Code] = {}
    helpers = {h.name: h for h in workflow.helpers}
    exprs = ExprCompiler(functions, helpers)
    sites = _call_sites(workflow)
    for function in (workflow.run, *workflow.helpers):
        functions[function.name] = FunctionCompiler(function, exprs, sites).compile()
    return Program(workflow, functions)


def _call_sites(workflow: ir.Workflow) -> dict[int, CallSite]:
    """Each await's DAG nodes, from the walk that draws the graph, so what runs names its site
    as `waymark graph` does. A program the graph cannot draw still runs (or fails as the
    interpreter decides), with no sites."""
    try:
        return build_dag(workflow).call_sites
    except Exception:  # an internal gap of the drawing code; the interpreter reports its own
        return {}
