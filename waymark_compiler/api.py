"""The compiler's public entry points: source text, a file, or a decorated class in, IR out.

`compile_source` is the whole pipeline on one screen: parse → resolve → discover → lower → check
→ emit. It never imports user code; other modules are read as text. Diagnostics are collected,
never raised, except by `compile_workflow_class`, which the `@workflow` decorator calls.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from waymark_compiler import nesting, sizes
from waymark_compiler.checks import check
from waymark_compiler.collector import fewer_collections
from waymark_compiler.diagnostics import MAX_PER_FILE, Diagnostic, Sink, ordered, render
from waymark_compiler.discover import Unread, WorkflowClass, discover
from waymark_compiler.files import read_source
from waymark_compiler.finder import Finder, package_root
from waymark_compiler.lower import lower_workflow
from waymark_compiler.namespace import module_namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.operations import SYNC_ACTION
from waymark_compiler.rules.statements import SYNTAX_ERROR
from waymark_compiler.rules.workflow import (
    DUPLICATE_WORKFLOW,
    WORKFLOW_DECORATOR,
    WORKFLOW_SHAPE,
)
from waymark_compiler.schemas import signal_schemas
from waymark_compiler.source import BOM, Source, parse
from waymark_runtime import ir
from waymark_runtime.errors import CompileError
from waymark_runtime.nesting import make_room, too_deep
from waymark_runtime.wrl import dumps, version_of_canonical

if TYPE_CHECKING:
    import libcst as cst

    from waymark_runtime.workflows import Workflow, WorkflowDefinition


@dataclass(slots=True)
class CompiledWorkflow:
    name: str
    class_name: str
    path: str
    line: int
    program: ir.Workflow
    wrl: str
    version: str
    signals: list[dict[str, Any]] = field(default_factory=list)
    """The signals it waits for, with their payloads' JSON schemas (`schemas`)."""


@dataclass(slots=True)
class ModuleResult:
    """The workflows of one file that compiled, and every diagnostic (capped per file)."""

    workflows: list[CompiledWorkflow]
    diagnostics: list[Diagnostic]
    source: str
    path: str
    omitted: int = 0  # diagnostics beyond the per-file cap


@dataclass(slots=True)
class _Outcome:
    """One `@workflow` class: its program (when it compiled) and its own diagnostics."""

    found: WorkflowClass
    compiled: CompiledWorkflow | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def compile_source(source: str, path: str = "<string>", module: str | None = None) -> ModuleResult:
    """Compile every `@workflow` class in `source`.

    `module` is the dotted name action and class paths are relative to; by default it is derived
    from `path` (walking up `__init__.py`), or `__main__` when `path` is not a file.
    """
    make_room()
    source = source.removeprefix(BOM)
    with fewer_collections():  # its objects live until it ends: the collector has little to do
        parsed = parse(source, path)
        if isinstance(parsed, Diagnostic):
            return ModuleResult([], [parsed], source, path)
        outcomes, own = _compile_classes(parsed, module)
    diagnostics = ordered([*own, *(d for outcome in outcomes for d in outcome.diagnostics)])
    workflows = [o.compiled for o in outcomes if o.compiled is not None]
    kept = diagnostics[:MAX_PER_FILE]
    return ModuleResult(workflows, kept, source, path, len(diagnostics) - len(kept))


def _compile_classes(parsed: Source, module: str | None) -> tuple[list[_Outcome], list[Diagnostic]]:
    """The outcome of every `@workflow` class, and the module's own diagnostics."""
    name, is_package = module_name_for(parsed.path)
    if module is not None:
        name = module
    finder = Finder.for_path(parsed.path)
    namespace = module_namespace(parsed, name, is_package)
    finder.add(namespace)
    resolver = Resolver(namespace, finder)
    discovered = discover(resolver)
    if _importable(name):
        outcomes = [_compile_class(found, resolver) for found in discovered.workflows]
    else:
        outcomes = [_Outcome(found, None, [_unimportable(found, name)])
                    for found in discovered.workflows]  # fmt: skip
    _refuse_duplicates(outcomes)
    own = [_sync_action(node, parsed) for node in discovered.sync_actions]
    own += [_workflow_function(node, parsed) for node in discovered.workflow_functions]
    for unread in discovered.unread:
        diagnostic = _unread_decorator(unread, parsed)
        if unread.applies:  # the class's own outcome: importing it raises this diagnostic
            outcomes.append(_Outcome(unread.found, None, [diagnostic]))
        else:
            own.append(diagnostic)
    return outcomes, own


def _importable(module: str) -> bool:
    """Whether workers can name the module in an import path (`my-flows.py` cannot be)."""
    return all(part.isidentifier() for part in module.split("."))


def _unimportable(found: WorkflowClass, module: str) -> Diagnostic:
    """A workflow in a file whose module name is no identifier (WM140): the program names its
    actions and helpers by `module:name`, which workers import."""
    source = found.namespace.source
    name = found.node.name.value
    message = f"workflow `{name}` is in module `{module}`, which is not a Python module name"
    help = (
        "rename the file (and its package directories) to identifiers such as `my_flows.py`: "
        "workers import a workflow's module by name"
    )
    return Diagnostic(WORKFLOW_SHAPE.code, "error", message, source.path,
                      source.span(found.node.name), "in that module", help)  # fmt: skip


def _sync_action(node: cst.FunctionDef, source: Source) -> Diagnostic:
    """An `@action` written as a plain `def` (WM151): workers await every action."""
    name = node.name.value
    message = f"action `{name}` is not `async def`"
    help = f"define it as `async def {name}(...)`; blocking work can run in `asyncio.to_thread`"
    span = source.span(node.name)
    return Diagnostic(SYNC_ACTION.code, "error", message, source.path, span, "not async", help)


def _workflow_function(node: cst.FunctionDef, source: Source) -> Diagnostic:
    """`@workflow` on a function (WM140): importing the module raises TypeError."""
    name = node.name.value
    message = f"@workflow decorates function `{name}`, not a class"
    help = "a workflow is a class: `class X(Workflow):` with `async def run(self, ...)`"
    span = source.span(node.name)
    return Diagnostic(WORKFLOW_SHAPE.code, "error", message, source.path, span, "a function", help)


def _unread_decorator(unread: Unread, source: Source) -> Diagnostic:
    """A decorator that applies `workflow` in a form the compiler cannot read (an error), or
    an unreadable decorator of a `Workflow` subclass (a warning): WM172."""
    name = unread.found.node.name.value
    help = "write `@workflow` or `@workflow(concurrency=...)` directly above the class"
    span = source.span(unread.decorator.decorator)
    if unread.applies:
        message = f"`workflow` is applied to class `{name}` in a form the compiler cannot read"
        return Diagnostic(WORKFLOW_DECORATOR.code, "error", message, source.path, span,
                          "not `@workflow`", help)  # fmt: skip
    message = f"class `{name}` has a decorator the compiler cannot read: it is not compiled"
    help = f"{help}, if this decorator makes `{name}` a workflow"
    return Diagnostic(WORKFLOW_DECORATOR.code, "warning", message, source.path, span,
                      "not a dotted name", help)  # fmt: skip


def _refuse_duplicates(outcomes: list[_Outcome]) -> None:
    """A second workflow with a name already used in the module fails (WM143)."""
    seen: dict[str, _Outcome] = {}
    for outcome in outcomes:
        if outcome.compiled is None:
            continue
        first = seen.setdefault(outcome.compiled.name, outcome)
        if first is outcome:
            continue
        assert first.compiled is not None
        source = outcome.found.namespace.source
        message = f"workflow name `{outcome.compiled.name}` is already used"
        help = f"rename the class, or set a distinct `name`; the first is on line {first.compiled.line}"
        span = source.span(outcome.found.node.name)
        outcome.diagnostics.append(
            Diagnostic(
                DUPLICATE_WORKFLOW.code,
                "error",
                message,
                source.path,
                span,
                "duplicate",
                help,
            )
        )
        outcome.compiled = None


def _compile_class(found: WorkflowClass, resolver: Resolver) -> _Outcome:
    path = found.namespace.source.path
    sink = Sink(path)
    program = lower_workflow(found, resolver.at(found.namespace), sink)
    deep = too_deep(program)
    if deep is not None:  # lowering can add a level or two to what `nesting` measured
        span = deep[1] or found.namespace.source.span(found.node.name)
        sink.items.append(nesting.diagnostic(path, span, not hasattr(deep[0], "body")))
    where = found.namespace.source.span(found.node.name)
    sizes.long_int(program, sink, where)
    if sink.failed:
        return _Outcome(found, None, sink.items)
    wrl, version = emit(program)
    sizes.long_program(wrl, sink, where)
    if sink.failed:
        return _Outcome(found, None, sink.items)
    diagnostics = [*sink.items, *check(program, path)]
    line = found.namespace.source.span(found.node).line
    compiled = CompiledWorkflow(program.name, found.qualname, path, line, program, wrl, version)
    if "await signal(" in wrl:
        compiled.signals = signal_schemas(program, resolver.at(found.namespace))
    return _Outcome(found, compiled, diagnostics)


def emit(program: ir.Workflow) -> tuple[str, str]:
    """The canonical `.wrl` text of a program and its version (the hash of that text)."""
    text = dumps(program)
    return text, version_of_canonical(text)


def module_name_for(path: str) -> tuple[str, bool]:
    """The dotted module name of a file (walking up `__init__.py`), `__main__` for no file."""
    candidate = Path(path)
    if not candidate.is_file():
        return "__main__", False
    return package_root(candidate)[1], candidate.name == "__init__.py"


def compile_path(path: Path) -> ModuleResult:
    """Compile a file; its module name comes from its package (walking up `__init__.py`)."""
    try:
        text = read_source(path)
    except SyntaxError as error:  # a malformed `# -*- coding: ... -*-` line
        span = ir.Span(error.lineno or 1, 1, error.lineno or 1, 2)
        message = f"syntax error: {str(error.msg).lower()}"
        diagnostic = Diagnostic(SYNTAX_ERROR.code, "error", message, str(path), span, "here", None)
        return ModuleResult([], [diagnostic], "", str(path))
    return compile_source(text, str(path))


# ---------------------------------------------------------------------------------------------
# The @workflow decorator's entry point
# ---------------------------------------------------------------------------------------------


def compile_workflow_class(cls: type[Workflow]) -> WorkflowDefinition:
    """Compile the module defining `cls` and return that class's definition.

    Raises `CompileError` carrying every diagnostic of the class when it does not compile.
    """
    from waymark_runtime.workflows import WorkflowDefinition

    path, text = _class_source(cls)
    outcome = _pick(cls, _module_outcomes(cls.__module__, path, text), path)
    errors = [d for d in outcome.diagnostics if d.severity == "error"]
    if outcome.compiled is None or errors:
        diagnostics = ordered(outcome.diagnostics)
        raise CompileError(diagnostics, render(diagnostics, {path: text}))
    compiled = outcome.compiled
    signature = inspect.signature(cls.__dict__.get("__waymark_inline_run__") or cls.__dict__["run"])
    return WorkflowDefinition(
        name=compiled.name,
        cls=cls,
        program=compiled.program,
        wrl=compiled.wrl,
        version=compiled.version,
        signature=signature,
    )


# A module with several workflows is compiled once per import, not once per class: the key
# includes the module object's identity, so a re-import compiles afresh.
_RECENT: dict[tuple[str, str, str, int], list[_Outcome]] = {}


def _module_outcomes(module: str, path: str, text: str) -> list[_Outcome]:
    key = (module, path, text, id(sys.modules.get(module)))
    if key not in _RECENT:
        parsed = parse(text, path)
        if isinstance(parsed, Diagnostic):
            raise CompileError([parsed], render([parsed], {path: text}))
        if len(_RECENT) >= 8:
            _RECENT.clear()
        _RECENT[key] = _compile_classes(parsed, module)[0]  # the class's own diagnostics only
    return _RECENT[key]


def _class_source(cls: type) -> tuple[str, str]:
    try:
        path = inspect.getsourcefile(cls) or inspect.getfile(cls)
        module = inspect.getmodule(cls)
        text = inspect.getsource(module) if module is not None else Path(path).read_text()
    except (OSError, TypeError) as error:
        raise CompileError([], f"cannot read the source of {cls.__qualname__}: {error}") from error
    return path, text


def _pick(cls: type, outcomes: list[_Outcome], path: str) -> _Outcome:
    """The outcome for `cls`, by qualified name, then by the line its definition starts on."""
    matches = [o for o in outcomes if o.found.qualname == cls.__qualname__]
    if len(matches) > 1:
        line = _first_line(cls)
        matches = [o for o in matches if _decorator_line(o.found) == line]
    if not matches:
        raise CompileError([], f"cannot find the @workflow class {cls.__qualname__} in {path}: "
                           "the compiler reads `@workflow` or `@workflow(...)` written directly "
                           "above the class, and this class has neither (WM172)")  # fmt: skip
    return matches[0]


def _decorator_line(found: WorkflowClass) -> int:
    """Where `inspect` says a class starts: its first decorator."""
    node = found.node
    first = node.decorators[0] if node.decorators else node
    return found.namespace.source.span(first).line


def _first_line(cls: type) -> int:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return 0
