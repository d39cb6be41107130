"""The step context: everything the interpreter is run with that is not the program or state.

A host makes one `StepContext` (its limits and type resolver) and passes it to every `start` /
`advance`; the context owns the meter those limits are counted on, the builtins and guarded
operators bound to that meter, and the programs compiled against them (their closures hold
the meter, so charging costs no lookup). The interpreter keeps no state between calls but
what its context holds; a context runs one call at a time, so concurrent hosts use one each.
"""

from __future__ import annotations

from waymark_runtime import ir
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.library import Library
from waymark_runtime.interpreter.limits import Limits, Meter
from waymark_runtime.interpreter.program import Program, ProgramCache
from waymark_runtime.values import TypeResolver


class StepContext:
    """The limits and type resolver of a host's interpreter calls, and what they bind."""

    def __init__(self, *, limits: Limits | None = None, types: TypeResolver | None = None) -> None:
        self.limits = limits or Limits()
        self.types = types
        self.meter = Meter(self.limits)
        self.library = Library(Bounded(self.meter), types)
        self._programs = ProgramCache(self.library)

    def begin(self, workflow: ir.Workflow) -> Program:
        """Start a call over `workflow`: a full budget, and the program compiled for this
        context (once per workflow object)."""
        self.meter.reset(self.limits)
        return self._programs(workflow)
