"""The symbols name resolution answers with: what a global name in a workflow body is.

`resolve.Resolver` produces them; the lowering phase dispatches on their type (`call_<Symbol>`)
to decide what each may be used for. Data only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import libcst as cst

from waymark_compiler.namespace import Namespace
from waymark_compiler.tables import Known

ClassKind = Literal[
    "exception",
    "enum",
    "model",
    "dataclass",
    "workflow",
    "builtin",
    "typeddict",
    "namedtuple",
    "plain",
    "other",
]


@dataclass(frozen=True, slots=True)
class ActionSym:
    path: str


@dataclass(frozen=True, slots=True)
class ClassSym:
    """A class; `path` is `module:QualName` (`builtins:ValueError`), `members` for enums."""

    path: str
    kind: ClassKind
    members: tuple[str, ...] = ()
    node: cst.ClassDef | None = field(default=None, compare=False)
    namespace: Namespace | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.path.rpartition(":")[2].rpartition(".")[2]


HeldSym: TypeAlias = "ActionSym | FunctionSym | ClassSym"
"""What a constant or table may hold by name besides constants: a function, or a class."""


@dataclass(frozen=True, slots=True)
class ConstSym:
    """A name bound once to a literal expression, lowered in its own namespace on use; `table`
    when the literal is a dict, list or set (of constants): read as a fresh copy, never
    changed by a workflow."""

    value: cst.BaseExpression = field(compare=False)
    namespace: Namespace = field(compare=False)
    qualname: str
    table: bool = False
    # The enum members in `value` (`{Tier.GOLD: 0.5}`), by node id: class path, member name.
    members: Mapping[int, tuple[str, str]] = field(default_factory=dict, compare=False)
    # The actions and functions in `value` (`{"search": search}`), by node id.
    # and the classes it holds that a workflow constructs (`{"fefo": ExpiryFirst}`).
    functions: Mapping[int, HeldSym] = field(default_factory=dict, compare=False)
    # The value objects in `value` (`[Stage(10, Audience.BETA)]`), by node id: class path.
    objects: Mapping[int, str] = field(default_factory=dict, compare=False)
    # The other constants `value` names (`BASE_DELAY` in `BASE_DELAY * 30`), by node id.
    constants: Mapping[int, ConstSym] = field(default_factory=dict, compare=False)
    # `value` is `functools.partial(f, ...)` of a function of the user's code and constants
    # (`TRIPLE = partial(scale, factor=3)`): a function value, called as one
    partial: bool = False


@dataclass(frozen=True, slots=True)
class VariableSym:
    """A global that is not a constant (mutable, rebound, or computed); `enclosing` when it is a
    variable of a function enclosing the workflow class."""

    qualname: str
    enclosing: bool = False
    logger: bool = False  # bound once to `logging.getLogger(...)`: a module's logger
    # made by `namedtuple("Point", ...)` under another name, where `Point` is ambiguous
    named_tuple: str | None = None
    # the functions and actions a dict, list, tuple or set display holds by name
    # (`TOOLS = {"search": search}`) that is not a constant or table: refused where read
    functions: tuple[str, ...] = ()
    # bound once to a tuple of classes (`NUMBERS = (int, float)`): what `isinstance`, `except`
    # and `type(x) in` take, as if the tuple were written there
    classes: tuple[Symbol, ...] = field(default=(), compare=False)
    # bound once to `functools.partial(f, ...)` of an action or a function of the user's code
    # with an argument that is no constant (`PREFIX.upper()`): that argument, as written
    partial_argument: str | None = None
    # holds a class with `__slots__` (or a subclass of one), which no workflow value holds:
    # its name, and the one of its `__slots__` (`Point`, or `Labelled` and `Point`)
    slotted: tuple[str, str] | None = None
    # bound once to an enum made by the functional API (`Enum("Level", "LOW HIGH")`): the
    # factory's name, for the refusal (`Enum`, `IntEnum`)
    functional_enum: str | None = None


@dataclass(frozen=True, slots=True)
class ModuleSym:
    name: str


@dataclass(frozen=True, slots=True)
class KnownSym:
    what: Known
    qualname: str = field(default="", compare=False)  # `enum.IntEnum` of what `Enum`


@dataclass(frozen=True, slots=True)
class BuiltinSym:
    """A whitelisted pure builtin function (`len`, `sorted`, ...)."""

    name: str


@dataclass(frozen=True, slots=True)
class FunctionSym:
    """A plain function (not an action), defined in a source the compiler read: its definition
    and the namespace it was defined in (for compiling it as a helper of a workflow)."""

    path: str
    is_async: bool
    node: cst.FunctionDef | None = field(default=None, compare=False)
    namespace: Namespace | None = field(default=None, compare=False)
    # Its decorators are all `functools.cache`/`lru_cache`: a pure function's cache changes
    # nothing a workflow can see, so it is compiled as the function itself.
    cached: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class ExternalSym:
    """Something in a module the compiler does not read (the standard library, C extensions)."""

    qualname: str


@dataclass(frozen=True, slots=True)
class LocalSym:
    """An action or class defined inside a function: workers cannot import it by path."""

    path: str
    what: Literal["action", "class", "function"]


@dataclass(frozen=True, slots=True)
class MissingSym:
    """Not bound anywhere: `origin` says where it was looked for (a module, or None: globals)."""

    name: str
    origin: str | None = None


Symbol = (
    ActionSym
    | ClassSym
    | ConstSym
    | VariableSym
    | ModuleSym
    | KnownSym
    | BuiltinSym
    | FunctionSym
    | ExternalSym
    | LocalSym
    | MissingSym
)
