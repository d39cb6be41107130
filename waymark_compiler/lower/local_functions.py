"""Functions defined inside a method (`def fmt(x): ...` in `run()`), compiled as helper methods.

A nested `def` becomes a helper of the workflow (the runtime language's own functions): its
parameters, then, keyword-only, the variables of the enclosing method it reads (its free
variables, as CPython's own symbol table finds them). A call `fmt(x)` becomes
`self.fmt(x, rate=rate)`: the helper reads each variable as it is when the call is made, which
is what a closure reads, and a list or dict it reads is the same object. An `async def` is an
async helper, so `await one(x)` and `gather(*[one(x) for x in xs])` work as for any helper.
A default that reads the method's variables is evaluated where the `def` was, into a hidden
variable (`_wm_default_fmt_width`), which a call that leaves the parameter out passes for it.
The rewrite is done on the syntax tree before lowering; every node it makes takes the position
of the node it replaces, so diagnostics and line numbers stay those of the source.

A plain function of the module has no `self`: `hoist_in_function` gives it a hidden first
parameter (`HIDDEN_SELF`) to call its nested functions through, which no call passes (the
function is lowered as a method: its first parameter is not one of its arguments).

A nested `def` stays refused (WM115, by `lower_FunctionDef`) when it cannot be a helper: it is
decorated, it declares `global`, its name is bound more than once in the method, or the method
has no `self` (a `@staticmethod`; a decorated module function). A local function that reads
the method's variables and is used as a value, or declares `nonlocal`, reads them through
cells (`lower.cells`); one that reads none is a value as it is.
"""

from __future__ import annotations

import symtable
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX
from waymark_compiler.diagnostics import Sink
from waymark_compiler.lower.cells import (
    CELL,
    CLOSURE,
    cell_name,
    declares_nonlocal,
    encloses_functions,
    escaping,
    in_cells,
    made_cells,
    read_in_cells,
)
from waymark_compiler.lower.lambda_comprehensions import comprehension_functions
from waymark_compiler.lower.lambda_values import named_lambdas
from waymark_compiler.lower.local_calls import Local, LocalCalls
from waymark_compiler.lower.local_defaults import computed_defaults, with_placeholders
from waymark_compiler.lower.placing import Placing, fresh, place
from waymark_compiler.namespace import Namespace, scan
from waymark_compiler.source import Source
from waymark_compiler.walk import parts


@dataclass(frozen=True, slots=True)
class Origin:
    """The Python function a helper was compiled from: its `__qualname__` and whether a call
    passes it a `self` (or `cls`), as CPython's argument errors count and name it."""

    qualname: str
    bound: bool
    closure: tuple[str, ...] = ()


HIDDEN_SELF = f"{TEMP_PREFIX}self"
"""The first parameter given to a module function whose nested functions become helpers."""


def hoist_local_functions(
    methods: Sequence[tuple[cst.FunctionDef, Namespace]],
    taken: set[str],
    sink: Callable[[Namespace], Sink],
    origins: dict[str, Origin],
) -> list[tuple[cst.FunctionDef, Namespace]]:
    """`methods` (each with the module namespace it is defined in) with their nested functions
    turned into helper methods, appended (a helper's own nested functions too), in the
    method's namespace. `taken` holds the names in use; helper names are added, and their
    origins (`Wf.run.<locals>.fmt`, no `self`) to `origins`, which holds the methods'."""
    queue, done = list(methods), []
    while queue:
        method, namespace = queue.pop(0)
        hoisted, helpers = _hoist(method, taken, namespace, namespace.source, sink(namespace))
        done.append((hoisted, namespace))
        queue.extend((helper, namespace) for helper, _, _ in helpers)
        outer = origins.get(method.name.value)
        for helper, own, captured in helpers:
            prefix = f"{outer.qualname}.<locals>." if outer is not None else ""
            origins[helper.name.value] = Origin(prefix + own, False, captured)
    return done


def hoist_in_function(
    function: cst.FunctionDef,
    name: str,
    namespace: Namespace,
    taken: set[str],
    sink: Callable[[Namespace], Sink],
    origins: dict[str, Origin],
) -> list[cst.FunctionDef]:
    """Module function `function`, compiled as helper `name`, and the helpers its nested
    functions become (none when it has none or they cannot be): all take `HIDDEN_SELF` first."""
    function = comprehension_functions(function, taken, namespace.source)
    function = named_lambdas(function, taken, namespace.source)
    if function.decorators or not any(_nested_defs(function, lambdas=True)):
        return [function]
    params = function.params
    hidden = cst.Param(cst.Name(HIDDEN_SELF))
    if params.posonly_params:
        params = params.with_changes(posonly_params=[hidden, *params.posonly_params])
    else:
        params = params.with_changes(params=[hidden, *params.params])
    selfed = function.with_changes(name=cst.Name(name), params=params)
    place(namespace.source, selfed, function)
    hoisted = hoist_local_functions([(selfed, namespace)], taken, sink, origins)
    return [method for method, _ in hoisted]


def _plain(function: cst.FunctionDef) -> tuple[str, ...] | None:
    """The names of `function`'s parameters when none has a default, a star or a keyword-only
    marker (a lambda of them stands for it as a value), else None."""
    params = function.params
    if params.posonly_params or params.kwonly_params or params.star_kwarg is not None:
        return None
    if params.star_arg is not None and not isinstance(params.star_arg, cst.MaybeSentinel):
        return None
    if any(param.default is not None for param in params.params):
        return None
    return tuple(param.name.value for param in params.params)


def _hoist(
    method: cst.FunctionDef, taken: set[str], namespace: Namespace, source: Source, sink: Sink
) -> tuple[cst.FunctionDef, list[tuple[cst.FunctionDef, str, tuple[str, ...]]]]:
    """`method` rewritten to call its nested functions as helpers, and those helpers, each
    with its own name in Python (`<lambda>` for a lambda assigned to a name) and the
    variables of `method` it reads (its keyword-only parameters past its own)."""
    every = [*method.params.posonly_params, *method.params.params]
    if not every or method.decorators or not isinstance(method.body, cst.IndentedBlock):
        return method, []  # no `self` to call helpers through (a `@staticmethod` included)
    method = named_lambdas(comprehension_functions(method, taken, source), taken, source)
    if not any(_nested_defs(method.body, lambdas=True)):
        return method, []  # the common case: nothing to rewrite
    once, bound = _bound_once(method, namespace)
    method, lambdas = _lambdas_as_defs(method, once, source)
    nested = [
        d
        for d in _nested_defs(method.body)
        if isinstance(d, cst.FunctionDef) and _eligible(d, once)
    ]
    if not nested:
        return method, []
    self_name = every[0].name.value
    frees = _free_variables(method, source)
    if frees is None:
        return method, []
    helper_names = {d.name.value: fresh(d.name.value, taken) for d in nested}
    defaults = {
        d.name.value: computed_defaults(
            d, helper_names[d.name.value], bound, lambda base: fresh(base, taken)
        )
        for d in nested
    }
    for name, found in defaults.items():
        hidden = {default.hidden for default in found}
        source.hidden.update(hidden)
        for reads in frees.values():  # a local function calling it passes them on
            if name in reads:
                reads.update(hidden)
    captured = _captures(set(helper_names), frees, self_name)
    plain = {d.name.value: _plain(d) for d in nested}
    kept = escaping(method.body, {name: params is not None for name, params in plain.items()})
    kept |= {d.name.value for d in nested if declares_nonlocal(d) or encloses_functions(d)}
    cells = set().union(*(captured[name] for name in kept)) - source.hidden
    if cells:  # read and written through cells, which the functions are passed
        method, nested = _celled(method, nested, cells, frees, source, sink)
        defaults = {
            name: tuple(
                replace(d, value=read_in_cells(d.value, cells, source, sink)) for d in found
            )
            for name, found in defaults.items()
        }
        captured = {
            name: tuple(sorted(cell_name(v) if v in cells else v for v in found))
            for name, found in captured.items()
        }
        source.hidden.update(cell_name(v) for v in cells)
        source.hidden.update((CLOSURE, CELL))
    for name in kept:  # a value of it carries its defaults, which its parameters default to
        hidden = {default.hidden for default in defaults.get(name, ())}
        captured[name] = tuple(sorted({*captured.get(name, ()), *hidden}))
    locals_ = {
        d.name.value: Local(
            helper_names[d.name.value],
            captured[d.name.value],
            defaults[d.name.value],
            plain[d.name.value],
            d.name.value in kept,
        )
        for d in nested
    }
    rewrite = LocalCalls(locals_, self_name, source, sink)
    helpers = [
        (
            _as_helper(d, locals_[d.name.value], self_name, rewrite, source),
            "<lambda>" if d.name.value in lambdas else d.name.value,
            locals_[d.name.value].captured,
        )
        for d in nested
    ]
    hoisted = method.visit(rewrite)
    assert isinstance(hoisted, cst.FunctionDef)
    return hoisted, helpers


def _celled(
    method: cst.FunctionDef,
    nested: list[cst.FunctionDef],
    cells: set[str],
    frees: dict[str, set[str]],
    source: Source,
    sink: Sink,
) -> tuple[cst.FunctionDef, list[cst.FunctionDef]]:
    """`method` making `cells` and using its variables through them, and its local functions
    reading (writing, with `nonlocal`) those they use through the cells too."""
    assert isinstance(method.body, cst.IndentedBlock)
    params = set(_param_names(method))
    body = in_cells(method.body, cells, source, sink, nested=False)
    assert isinstance(body, cst.IndentedBlock)
    rewritten = method.with_changes(body=made_cells(body, cells, params, source))
    place(source, rewritten, method)
    again = []
    for definition in nested:
        own = cells & frees.get(definition.name.value, set())
        if own:
            body = in_cells(definition.body, own, source, sink, nested=True)
            changed = definition.with_changes(body=body)
            place(source, changed, definition)
            definition = changed
        again.append(definition)
    return rewritten, again


def _param_names(method: cst.FunctionDef) -> list[str]:
    params = method.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return [param.name.value for param in every]


def _bound_once(
    method: cst.FunctionDef, namespace: Namespace
) -> tuple[Callable[[str], bool], frozenset[str]]:
    """Is a name bound exactly once in `method` (and not a parameter)? Only such a name can
    stand for one local function. And every name `method` binds, its parameters included."""
    assert isinstance(method.body, cst.IndentedBlock)
    local = Namespace(namespace.module, namespace.package, namespace.source, parent=None)
    bindings = scan(local, method.body.body).bindings
    params = method.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    stars = [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    named = {p.name.value for p in every}
    bound = frozenset(bindings) | named | {p.name.value for p in stars}
    return (lambda name: len(bindings.get(name, [])) == 1 and name not in named), bound


def _lambdas_as_defs(
    method: cst.FunctionDef, once: Callable[[str], bool], source: Source
) -> tuple[cst.FunctionDef, set[str]]:
    """`scale = lambda x: x * rate`, its name bound once in `method`, as the `def` it means;
    and the names so defined."""
    lambdas = _LambdaDefs(once, source)
    converted = method.visit(lambdas)
    assert isinstance(converted, cst.FunctionDef)
    return converted, lambdas.named


class _LambdaDefs(Placing):
    def __init__(self, once: Callable[[str], bool], source: Source) -> None:
        super().__init__(source)
        self.once = once
        self.depth = 0
        self.named: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1  # this method's own statements only

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.depth -= 1
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        (assign, *more) = updated.body
        if more or not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return updated
        target, value = assign.targets[0].target, assign.value
        if not (isinstance(target, cst.Name) and isinstance(value, cst.Lambda)):
            return updated
        if not self.once(target.value):
            return updated
        self.named.add(target.value)
        body = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Return(value.body)])])
        return cst.FunctionDef(name=target, params=value.params, body=body)


def _nested_defs(node: cst.CSTNode, *, lambdas: bool = False) -> Iterator[cst.CSTNode]:
    """The `def` statements of a function body, in its compound statements too, not inside
    another function or class (with `lambdas`, assignments of a lambda too)."""
    for child in parts(node):
        assigned = isinstance(child, cst.Assign) and isinstance(child.value, cst.Lambda)
        if isinstance(child, cst.FunctionDef) or (lambdas and assigned):
            yield child
        elif not isinstance(child, cst.ClassDef | cst.Lambda | cst.BaseExpression):
            yield from _nested_defs(child, lambdas=lambdas)


def _eligible(definition: cst.FunctionDef, once: Callable[[str], bool]) -> bool:
    if definition.decorators or _declares_global(definition):
        return False
    return once(definition.name.value)


def _declares_global(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Global):
        return True
    return any(_declares_global(child) for child in parts(node))


def _free_variables(method: cst.FunctionDef, source: Source) -> dict[str, set[str]] | None:
    """The free variables of each function nested in `method`, by name (CPython's analysis)."""
    code = textwrap.dedent(source.module.code_for_node(method.with_changes(decorators=())))
    try:
        table = symtable.symtable(code, "<method>", "exec")
    except SyntaxError:
        return None
    (function,) = [t for t in table.get_children() if t.get_name() == method.name.value]
    return {
        child.get_name(): set(child.get_frees())
        for child in function.get_children()
        if isinstance(child, symtable.Function)
    }


def _captures(
    names: set[str], frees: dict[str, set[str]], self_name: str
) -> dict[str, tuple[str, ...]]:
    """What each local function must be passed: the variables it reads, and those the local
    functions it calls read (a local function itself is called through `self`)."""
    reads = {name: frees.get(name, set()) for name in names}
    captured = {name: reads[name] - names - {self_name} for name in names}
    changed = True
    while changed:
        changed = False
        for name in names:
            more = set().union(*(captured[c] for c in reads[name] & names)) - captured[name]
            if more:
                captured[name] |= more
                changed = True
    return {name: tuple(sorted(found)) for name, found in captured.items()}


def _as_helper(
    definition: cst.FunctionDef,
    local: Local,
    self_name: str,
    rewrite: LocalCalls,
    source: Source,
) -> cst.FunctionDef:
    params = definition.params
    extra = [cst.Param(cst.Name(name)) for name in local.captured]
    star = params.star_arg
    if extra and not isinstance(star, cst.Param | cst.ParamStar):
        star = cst.ParamStar()
    passed = {d.param: d.hidden if local.kept else None for d in local.defaults}
    changed = params.with_changes(
        params=[cst.Param(cst.Name(self_name)), *with_placeholders(params.params, passed)],
        kwonly_params=[*with_placeholders(params.kwonly_params, passed), *extra],
        star_arg=star,
    )
    body = definition.body.visit(rewrite)
    helper = definition.with_changes(name=cst.Name(local.helper), params=changed, body=body)
    place(source, helper, definition)
    return helper
