"""Expressions compiled to closures `env -> value`, one `eval_<Node>` per IR expression node.

Compiling happens once per program and step context (the closures hold the context's meter and
library); evaluating is a closure call that uses Python's own
operators, so semantics (short-circuiting, chained comparisons, error messages) are CPython's.
Expressions never suspend: durable operations are statements (`Await`), handled elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter import comprehensions, operators
from waymark_runtime.interpreter.attributes import get_attribute
from waymark_runtime.interpreter.call_expressions import CallCompiler
from waymark_runtime.interpreter.calling import Functions
from waymark_runtime.interpreter.code import Code, Env, Eval
from waymark_runtime.interpreter.instance_self import SELF_STATE
from waymark_runtime.interpreter.lazy import ENCLOSING, GenForm
from waymark_runtime.interpreter.library import Library
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.values import EnumValue, ExceptionValue, ModelValue, TypeValue
from waymark_runtime.values.callables import ActionValue, HelperValue
from waymark_runtime.values.python_errors import stand_in
from waymark_runtime.vocabulary import FUNCTION_NAMES


def _const(value: Any) -> Eval:
    return lambda env: value


class ExprCompiler(CallCompiler):
    """Compiles expressions; `functions` is the program's table of compiled functions by name,
    `library` the builtins, methods and guarded operators of the step context."""

    def __init__(
        self, functions: dict[str, Code], helpers: dict[str, ir.Function], library: Library
    ) -> None:
        self.functions = functions
        self.helpers = helpers
        self.library = library
        self.guards = library.bounded
        self.meter: Meter = library.bounded.meter
        self.conversions = library.conversions
        self.values = Functions(functions, helpers, self.meter, library)
        """Calls of function values (`calling`)."""
        self.genexps: list[GenForm] = []
        """The program's one-clause generator expressions, in compile order (`lazy`)."""

    def compile(self, node: Any) -> Eval:
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            raise InternalError(
                f"the interpreter has no rule for expression node {type(node).__name__}"
            )
        return method(node)  # type: ignore[no-any-return]

    # -- leaves -------------------------------------------------------------------------------

    def eval_Const(self, node: ir.Const) -> Eval:
        return _const(node.value)

    def eval_Name(self, node: ir.Name) -> Eval:
        name = node.id
        if name == SELF_STATE:  # `self.x`: the running instance's workflow object
            guards = self.guards
            return lambda env: guards.instance.value()

        def load(env: Env) -> Any:
            try:
                return env[name]
            except KeyError:
                raise operators.unbound(name) from None

        return load

    def eval_TypeRef(self, node: ir.TypeRef) -> Eval:
        return _const(TypeValue(node.type))

    def eval_ActionRef(self, node: ir.ActionRef) -> Eval:
        return _const(ActionValue(node.action))

    def eval_HelperRef(self, node: ir.HelperRef) -> Eval:
        self.values.check(node.name)
        return _const(HelperValue(node.name))

    def eval_CallValue(self, node: ir.CallValue) -> Eval:
        callee = self.compile(node.callee)  # evaluated before the arguments, as in Python
        return self.values.caller(callee, self.arguments(node.args, node.kwargs))

    def eval_EnumMember(self, node: ir.EnumMember) -> Eval:
        path, member = node.type, node.member
        enum_member = self.library.enum_member
        return lambda env: enum_member(path, member)

    # -- operators ----------------------------------------------------------------------------

    def _operands(self, left: Any, right: Any) -> tuple[str, Any, Any]:
        if isinstance(right, ir.Const):
            if isinstance(left, ir.Name):
                return "NC", left.id, right.value
            return "EC", self.compile(left), right.value
        if isinstance(left, ir.Name) and isinstance(right, ir.Name):
            return "NN", left.id, right.id
        return "EE", self.compile(left), self.compile(right)

    def eval_BinOp(self, node: ir.BinOp) -> Eval:
        return operators.binary(node.op, *self._operands(node.left, node.right), self.guards)

    def eval_UnaryOp(self, node: ir.UnaryOp) -> Eval:
        return operators.unary(node.op, self.compile(node.operand))

    def eval_Compare(self, node: ir.Compare) -> Eval:
        if len(node.ops) == 1 and node.ops[0] not in operators.IDENTITY:
            left, right = node.left, node.comparators[0]
            return operators.binary(node.ops[0], *self._operands(left, right), self.guards)
        first = self.compile(node.left)
        steps = [
            (operators.plain(op, self.guards), self.compile(c))
            for op, c in zip(node.ops, node.comparators, strict=True)
        ]

        def chain(env: Env) -> Any:
            left = first(env)
            result: Any = True
            for compare, operand in steps:
                right = operand(env)
                result = compare(left, right)
                if not result:
                    return result
                left = right
            return result

        return chain

    def eval_BoolOp(self, node: ir.BoolOp) -> Eval:
        operands = [self.compile(v) for v in node.values]
        if node.op == "and":
            return _and(operands)
        return _or(operands)

    def eval_IfExp(self, node: ir.IfExp) -> Eval:
        test, body, orelse = (
            self.compile(node.test),
            self.compile(node.body),
            self.compile(node.orelse),
        )
        return lambda env: body(env) if test(env) else orelse(env)

    def eval_NamedExpr(self, node: ir.NamedExpr) -> Eval:
        name, value = node.target.id, self.compile(node.value)

        def bind(env: Env) -> Any:
            result = value(env)
            scope: Env | None = env
            while scope is not None:  # in a comprehension: its scope and the enclosing ones
                scope[name] = result
                scope = scope.get(ENCLOSING)
            return result

        return bind

    # -- displays -----------------------------------------------------------------------------

    def _items(self, elts: tuple[Any, ...]) -> Callable[[Env], list[Any]]:
        if not any(isinstance(e, ir.Starred) for e in elts):
            parts = [self.compile(e) for e in elts]
            return lambda env: [p(env) for p in parts]
        spread = [
            (True, self.compile(e.value)) if isinstance(e, ir.Starred) else (False, self.compile(e))
            for e in elts
        ]
        extend = self.guards.extend

        def items(env: Env) -> list[Any]:
            out: list[Any] = []
            for starred, part in spread:
                if starred:
                    extend(out, part(env))
                else:
                    out.append(part(env))
            return out

        return items

    def eval_ListExpr(self, node: ir.ListExpr) -> Eval:
        return self._items(node.elts)

    def eval_TupleExpr(self, node: ir.TupleExpr) -> Eval:
        items = self._items(node.elts)
        return lambda env: tuple(items(env))

    def eval_SetExpr(self, node: ir.SetExpr) -> Eval:
        items, build = self._items(node.elts), self.library.builtins["set"]
        return lambda env: build(items(env))  # charged for hashing its items

    def eval_DictExpr(self, node: ir.DictExpr) -> Eval:
        hashed, settle = self.guards.hashed, self.meter.settle
        pairs = [(None if k is None else self.compile(k), self.compile(v))
                 for k, v in zip(node.keys, node.values, strict=True)]  # fmt: skip

        def build(env: Env) -> dict[Any, Any]:
            out: dict[Any, Any] = {}
            for key, value in pairs:
                if key is None:
                    out.update(value(env))
                    settle(out)
                else:
                    out[hashed(key(env))] = value(env)
            return out

        return build

    def eval_Starred(self, node: ir.Starred) -> Eval:
        raise ProgramError("a starred expression outside a display or call")

    # -- access -------------------------------------------------------------------------------

    def eval_Attribute(self, node: ir.Attribute) -> Eval:
        value, attr = self.compile(node.value), node.attr
        # `tool.__name__`: of a function value, by its program
        get = self.values.attribute if attr in FUNCTION_NAMES else get_attribute
        return lambda env: get(value(env), attr)

    def eval_Slice(self, node: ir.Slice) -> Eval:
        parts = [
            _const(None) if p is None else self.compile(p)
            for p in (node.lower, node.upper, node.step)
        ]
        lower, upper, step = parts
        return lambda env: slice(lower(env), upper(env), step(env))

    def eval_Subscript(self, node: ir.Subscript) -> Eval:
        value, index = self.compile(node.value), self.compile(node.index)
        if isinstance(node.index, ir.Slice):
            settle = self.meter.settle
            return lambda env: settle(value(env)[index(env)])  # a slice is a new copy
        if isinstance(node.index, ir.Const):
            return lambda env: value(env)[index(env)]
        hashed = self.guards.hashed

        def item(env: Env) -> Any:
            container, key = value(env), index(env)
            if key.__class__ is not int and key.__class__ is not str:
                hashed(key)  # a tuple hashes (or a list index compares) every nested item
                if container.__class__ in _INDEXED and _no_index(key):
                    return container[stand_in(key)]  # Python's refusal, naming the key's class
            return container[key]

        return item

    # -- comprehensions and f-strings ---------------------------------------------------------

    def eval_Comprehension(self, node: ir.Comprehension) -> Eval:
        return comprehensions.compile_comprehension(node, self.compile, self.guards, self.genexps)

    def eval_FString(self, node: ir.FString) -> Eval:
        parts = [_const(p) if isinstance(p, str) else self._formatted(p) for p in node.parts]
        settle = self.meter.settle
        return lambda env: settle("".join([p(env) for p in parts]))

    def _formatted(self, node: ir.FormattedValue) -> Eval:
        value = self.compile(node.value)
        convert = self.conversions[node.conversion]
        if node.spec is None:
            return lambda env: format(convert(value(env)))
        spec, format_value = self.eval_FString(node.spec), self.guards.format_value

        def formatted(env: Env) -> str:
            converted = convert(value(env))
            return format_value(converted, spec(env))

        return formatted


def _and(operands: list[Eval]) -> Eval:
    if len(operands) == 2:
        first, second = operands

        def both(env: Env) -> Any:
            value = first(env)
            return second(env) if value else value

        return both

    def every(env: Env) -> Any:
        value: Any = True
        for operand in operands:
            value = operand(env)
            if not value:
                return value
        return value

    return every


def _or(operands: list[Eval]) -> Eval:
    def first_true(env: Env) -> Any:
        value: Any = False
        for operand in operands:
            value = operand(env)
            if value:
                return value
        return value

    return first_true


_INDEXED = frozenset({list, tuple, str, bytes, range})
"""Sequences indexed by an int or a slice only: a model, dataclass, exception, class or enum
member without `__index__` is no index of theirs."""


def _no_index(key: Any) -> bool:
    if key.__class__ is EnumValue:
        return key.mix != "int"
    return key.__class__ in _STAND_INS


_STAND_INS = frozenset({ModelValue, ExceptionValue, TypeValue})
