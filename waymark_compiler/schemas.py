"""JSON schemas of the signals a workflow waits for, for `waymark compile --format json`.

The compiler never imports user code, so a user class is read from its source: a stand-in
pydantic model is built from its annotated fields (an enum from its members' literal values)
and pydantic writes the schema. A field whose annotation is not a payload type reads as any
value; a class the compiler cannot read gives no schema (`{}`, any value).
"""

from __future__ import annotations

import ast
import enum
from typing import Any

import libcst as cst
from pydantic import TypeAdapter, create_model

from waymark_compiler.lower.signals import NotAType, annotation_text
from waymark_compiler.resolve import Resolver
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir
from waymark_runtime.signals import STANDARD_TYPES, catalogue, display, resolve_type

_DEPTH = 8  # how deep models nest in a schema before the rest reads as any value


def signal_schemas(program: ir.Workflow, resolver: Resolver) -> list[dict[str, Any]]:
    """Each signal the program waits for: its name, its type (as Python spells it and as
    type text) and the JSON schema of its payload."""
    return [
        {"name": name, "type": display(text), "type_path": text,
         "schema": _schema(text, resolver)}
        for name, text in catalogue(program).items()
    ]  # fmt: skip


def _schema(text: str, resolver: Resolver) -> dict[str, Any]:
    try:
        schema: dict[str, Any] = TypeAdapter(_StandIns(resolver).type_of(text)).json_schema()
    except Exception:  # a class pydantic cannot describe: any value
        return {}
    return schema


class _StandIns:
    """Stand-in classes for the user's classes named by type texts, made once per path."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.made: dict[str, Any] = {}
        self.depth = 0

    def type_of(self, text: str) -> Any:
        return resolve_type(text, self._leaf)

    def _leaf(self, path: str) -> Any:
        if path in STANDARD_TYPES:
            return STANDARD_TYPES[path]
        if path not in self.made:
            self.made[path] = Any  # a class that refers to itself reads as any value inside
            self.made[path] = self._stand_in(path)
        return self.made[path]

    def _stand_in(self, path: str) -> Any:
        symbol = self._class(path)
        if symbol is None or symbol.node is None or self.depth > _DEPTH:
            return Any
        name = symbol.name
        if symbol.kind == "enum":
            return enum.Enum(name, _members(symbol.node))
        self.depth += 1
        try:
            fields = dict(self._fields(symbol))
        finally:
            self.depth -= 1
        return create_model(name, **fields)

    def _class(self, path: str) -> ClassSym | None:
        module, _, qualname = path.partition(":")
        first, *rest = qualname.split(".")
        symbol: Any = self.resolver.qualified(module, first)
        for part in rest:
            symbol = self.resolver.attribute(symbol, part) if symbol is not None else None
        return symbol if isinstance(symbol, ClassSym) else None

    def _fields(self, symbol: ClassSym) -> list[tuple[str, Any]]:
        assert symbol.node is not None and symbol.namespace is not None
        scope = self.resolver.at(symbol.namespace)
        fields = []
        for statement in _statements(symbol.node):
            if not (
                isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name)
            ):
                continue
            try:
                kind = self.type_of(annotation_text(statement.annotation.annotation,
                                                    scope.expression))  # fmt: skip
            except NotAType:
                kind = Any
            default = ... if statement.value is None else _literal(statement.value)
            fields.append((statement.target.value, (kind, default)))
        return fields


def _statements(node: cst.ClassDef) -> list[cst.BaseSmallStatement]:
    return [small for line in node.body.body if isinstance(line, cst.SimpleStatementLine)
            for small in line.body]  # fmt: skip


def _members(node: cst.ClassDef) -> dict[str, Any]:
    members = {}
    for statement in _statements(node):
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target = statement.targets[0].target
            if isinstance(target, cst.Name) and not target.value.startswith("_"):
                members[target.value] = _literal(statement.value, target.value)
    return members


def _literal(node: cst.BaseExpression, fallback: Any = None) -> Any:
    """A literal's value (a default, an enum member's value); `fallback` for anything else."""
    try:
        return ast.literal_eval(cst.Module([]).code_for_node(node))
    except (ValueError, SyntaxError, TypeError):
        return fallback
