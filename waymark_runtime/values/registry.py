"""The type registry: the only classes a stored program or value may name and construct.

They are the builtin exceptions derived from `Exception`, Waymark's own exceptions, and the
pydantic models, dataclasses, enums and exceptions of the user's modules (those holding `@action`
or `Workflow` code, or listed in `WAYMARK_USER_MODULE`), found by scanning the namespaces of
modules already imported. Nothing here imports a module on a stored path's say-so, but for the
few standard modules of `_ON_DEMAND`; a path whose class name has a part starting with `_` never
resolves.
"""

from __future__ import annotations

import builtins
import dataclasses
import decimal
import enum
import importlib
import json
import re
import sys
import zoneinfo
from collections.abc import Iterator
from types import ModuleType
from typing import Any

_USER_MODULES: dict[str, None] = {}  # ordered, for a stable scan
_OURS = frozenset({"waymark", "waymark_runtime"})
# Classes from these packages are never the user's, even when a user module imports them.
_NOT_USER = _OURS | {"waymark_compiler", "pydantic", "pydantic_core", "typing_extensions"}
_HEAP_TYPE = 1 << 9  # `Py_TPFLAGS_HEAPTYPE`: a class made by a `class` statement
_NESTING = 4  # how deep nested classes (`Outer.Inner`) are looked for
# Standard modules whose classes are constructible (`_standard_classes`) but which nothing else
# here needs: imported when a path first names one (by its module part: `csv.Error` is
# `_csv:Error`), so a worker whose values never hold one does not load them.
_ON_DEMAND = {"statistics": "statistics", "_csv": "csv", "calendar": "calendar"}


def add_user_module(name: str) -> None:
    """Record `name` as a user module: its classes become constructible once it is imported."""
    _USER_MODULES.setdefault(name, None)


def kind_of(cls: type) -> str | None:
    """`exception`, `enum`, `model`, `dataclass`, `namedtuple` or `object` (a plain class of
    the user's code, `objects`): the classes whose values a workflow keeps as theirs, else
    None."""
    try:
        if issubclass(cls, BaseException):
            return "exception"
        if issubclass(cls, enum.Enum):
            return "enum"
        pydantic = sys.modules.get("pydantic")  # a model exists only once pydantic is loaded
        if pydantic is not None and issubclass(cls, pydantic.BaseModel):
            return "model"
    except TypeError:  # a class whose metaclass refuses `issubclass`
        return None
    if issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple):
        return "namedtuple"
    if dataclasses.is_dataclass(cls):
        return "dataclass"
    return "object" if _is_plain_class(cls) else None


def _is_plain_class(cls: type) -> bool:
    """A class of the user's code (every class of its MRO but `object` in a user module) made
    by plain `class` statements: no metaclass, no `__slots__`, no builtin base, no dataclass."""
    if type(cls) is not type or cls is object:
        return False
    return all(
        base is object
        or (
            bool(base.__flags__ & _HEAP_TYPE)
            and "__slots__" not in vars(base)
            and _is_users_module(base.__module__)
        )
        for base in cls.__mro__
    )


def find_class(path: str) -> type | None:
    """The constructible class at `module:QualName`, or None."""
    if _is_private(path):
        return None
    found = _INDEX.classes().get(path)
    if found is None and _imported_on_demand(path):
        found = _INDEX.classes().get(path)
    return found


def find_standard_class(path: str) -> type | None:
    """Builtin and Waymark exceptions only: what a process that runs no user code may build."""
    if _is_private(path):
        return None
    found = _INDEX.standard().get(path)
    if found is None and _imported_on_demand(path):
        found = _INDEX.standard().get(path)
    return found


def _is_private(path: str) -> bool:
    return any(part.startswith("_") for part in path.partition(":")[2].split("."))


def _imported_on_demand(path: str) -> bool:
    """Import the module of `_ON_DEMAND` that `path` names, if it is not loaded yet; whether
    it was (the index then rebuilds, `sys.modules` having grown)."""
    home, _, name = path.partition(":")
    module = _ON_DEMAND.get(home)
    if module is None or not name or module in sys.modules:
        return False
    importlib.import_module(module)
    return True


class _Index:
    """Classes by path, rebuilt when a user module is added or a scanned namespace grows."""

    def __init__(self) -> None:
        self._key: tuple[int, ...] = ()
        self._classes: dict[str, type] = {}
        self._standard: dict[str, type] = {}
        self._standard_key = -1

    def standard(self) -> dict[str, type]:
        if self._standard_key != len(sys.modules):
            self._standard = _standard_classes()
            self._standard_key = len(sys.modules)
        return self._standard

    def classes(self) -> dict[str, type]:
        roots = [m for m in map(sys.modules.get, _USER_MODULES) if isinstance(m, ModuleType)]
        key = (len(sys.modules), len(_USER_MODULES), *(len(vars(m)) for m in roots))
        if key != self._key:
            self._classes = {**self.standard(), **_user_classes(roots)}
            self._key = key
        return self._classes


_INDEX = _Index()


def _standard_classes() -> dict[str, type]:
    # Not `SystemExit`, `KeyboardInterrupt` and the other non-`Exception` ones: a stored value
    # must not be able to stop the process that raises it.
    found = {f"builtins:{c.__name__}": c for c in vars(builtins).values() if _is_exception(c)}
    # Raised by the interpreter itself when a workflow assigns a field of a frozen dataclass,
    # and by `ZoneInfo(key)` for a zone no one knows; the errors of the standard functions a
    # workflow calls (`statistics.fmean([])`, `Decimal("ten")`, `json.loads`, `re.compile`,
    # `csv.reader`), so one that ends the workflow reaches its caller as itself; and the enums
    # `calendar` functions return from Python 3.12 on (`calendar.weekday` gives a `calendar.Day`).
    standard: list[type] = [dataclasses.FrozenInstanceError, zoneinfo.ZoneInfoNotFoundError,
                decimal.DecimalException, decimal.InvalidOperation, decimal.DivisionByZero,
                decimal.Overflow, json.JSONDecodeError, re.error]  # fmt: skip
    # Those of `_ON_DEMAND` once loaded (by the workflow's code, or by a path naming them).
    for home, attribute in (("statistics", "StatisticsError"), ("csv", "Error"),
                            ("calendar", "Day"), ("calendar", "Month")):  # fmt: skip
        cls = getattr(sys.modules.get(home), attribute, None)
        if cls is not None:
            standard.append(cls)
    for cls in standard:
        found[_path(cls)] = cls
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] in _OURS and isinstance(module, ModuleType):
            found.update((_path(c), c) for c in _defined_in(module) if _is_exception(c))
            found.update(_renamed_exceptions(module))
    return found


def _renamed_exceptions(module: ModuleType) -> Iterator[tuple[str, type]]:
    """Our exceptions under the old names a module keeps for them (`InstanceCancelled =
    WorkflowCancelled`), so values stored under an old name still resolve."""
    for alias, value in list(vars(module).items()):
        if _is_exception(value) and value.__module__ == module.__name__ and alias != value.__name__:
            yield f"{module.__name__}:{alias}", value


def _user_classes(roots: list[ModuleType]) -> dict[str, type]:
    """The user's constructible classes: those in the user modules' namespaces (defined there or
    imported), and those defined in the modules they import classes from (`from app.models
    import Order`) or import whole (`from app import models`)."""
    found: dict[str, type] = {}
    homes: dict[str, None] = {}
    for module in roots:
        for value in list(vars(module).values()):
            if isinstance(value, ModuleType) and _is_users_module(value.__name__):
                homes.setdefault(value.__name__, None)
            elif isinstance(value, type) and _is_users(value):
                found.update(_with_nested(value, _NESTING))
                homes.setdefault(value.__module__, None)
    for home in map(sys.modules.get, homes):
        if isinstance(home, ModuleType) and home not in roots:
            for cls in _defined_in(home):
                if _is_users(cls):
                    found.update(_with_nested(cls, _NESTING))
    return found


def _is_users(cls: type) -> bool:
    module = cls.__module__
    return isinstance(module, str) and _is_users_module(module) and kind_of(cls) is not None


def _is_users_module(name: str) -> bool:
    top = name.partition(".")[0]
    return not (top in sys.stdlib_module_names or top in _NOT_USER)


def _with_nested(cls: type, depth: int) -> Iterator[tuple[str, type]]:
    """The class, and the constructible classes defined in its body (`Outer.Inner`)."""
    yield _path(cls), cls
    for value in list(vars(cls).values()) if depth else ():
        nested = isinstance(value, type) and value.__qualname__.startswith(f"{cls.__qualname__}.")
        if nested and kind_of(value) is not None:
            yield from _with_nested(value, depth - 1)


def _defined_in(module: ModuleType) -> Iterator[type]:
    name = module.__name__
    return (v for v in list(vars(module).values()) if isinstance(v, type) and v.__module__ == name)


def _is_exception(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Exception)


def _path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"
