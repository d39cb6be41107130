"""A workflow's functions compiled to `Code` for one step context (`context.StepContext`).

The compiled closures hold the context's meter and library, so a context keeps its own cache
of compiled programs (`ProgramCache`): runners hold one parsed `ir.Workflow` per program
version, so caching by identity compiles each program once per context; the cache is bounded
and keeps the program alive while its entry lives (an id is never reused while cached).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from waymark_runtime import ir
from waymark_runtime.dag import CallSite, build_dag
from waymark_runtime.interpreter.code import HELPER_DEPTH, Code
from waymark_runtime.interpreter.expressions import ExprCompiler
from waymark_runtime.interpreter.lazy import GenForm
from waymark_runtime.interpreter.library import Library
from waymark_runtime.interpreter.statements import FunctionCompiler
from waymark_runtime.nesting import make_room

_FRAMES_PER_HELPER = 8  # Python frames a helper call costs (about 5), with a margin
_CACHE_LIMIT = 512


@dataclass(frozen=True, slots=True)
class Program:
    source: ir.Workflow
    functions: dict[str, Code]
    genexps: tuple[GenForm, ...] = ()
    """Its one-clause generator expressions, by which a saved state names one."""

    @property
    def run(self) -> Code:
        return self.functions[self.source.run.name]


class ProgramCache:
    """The programs compiled for one library (one step context), by workflow identity."""

    def __init__(self, library: Library, limit: int = _CACHE_LIMIT) -> None:
        self.library = library
        self.limit = limit
        self._programs: OrderedDict[int, Program] = OrderedDict()

    def __call__(self, workflow: ir.Workflow) -> Program:
        """The compiled form of `workflow`, compiling it on first use."""
        program = self._programs.get(id(workflow))
        if program is not None and program.source is workflow:
            self._programs.move_to_end(id(workflow))
            return program
        program = compile_program(workflow, self.library)
        self._programs[id(workflow)] = program
        if len(self._programs) > self.limit:
            self._programs.popitem(last=False)
        return program


def compile_program(workflow: ir.Workflow, library: Library) -> Program:
    make_room()  # compiling and evaluating expressions recurse once per level of nesting
    make_room(HELPER_DEPTH * _FRAMES_PER_HELPER)  # and each helper call a few frames
    functions: dict[str, Code] = {}
    helpers = {h.name: h for h in workflow.helpers}
    exprs = ExprCompiler(functions, helpers, library)
    sites = _call_sites(workflow)
    for function in (workflow.run, *workflow.helpers):
        functions[function.name] = FunctionCompiler(function, exprs, sites).compile()
    return Program(workflow, functions, tuple(exprs.genexps))


def _call_sites(workflow: ir.Workflow) -> dict[int, CallSite]:
    """Each await's DAG nodes, from the walk that draws the graph, so what runs names its site
    as `waymark graph` does. A program the graph cannot draw still runs (or fails as the
    interpreter decides), with no sites."""
    try:
        return build_dag(workflow).call_sites
    except Exception:  # an internal gap of the drawing code; the interpreter reports its own
        return {}
