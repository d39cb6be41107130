"""What the compiler knows without reading any source: Waymark's own names, builtin classes and
exceptions, and the impure standard-library calls it refuses (the pure builtins and methods are
the runtime's list, `waymark_runtime.vocabulary`).

Data only. Qualified names are dotted (`asyncio.gather`); the resolver maps user spellings onto
them, whatever the import aliases.
"""

from __future__ import annotations

import builtins
import re
from typing import Literal

from waymark_compiler.rules.expressions import NONDETERMINISTIC_CALL
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.rules.rule import Rule

Known = Literal[
    "workflow",
    "action",
    "Workflow",
    "RetryPolicy",
    "BackoffPolicy",
    "gather",
    "sleep",
    "wait_for",
    "timedelta",
    "BaseModel",
    "dataclass",
    "Enum",
]

KNOWN: dict[str, Known] = {
    "waymark.workflow": "workflow",
    "waymark._workflow.workflow": "workflow",
    "waymark.action": "action",
    "waymark_runtime.actions.action": "action",
    "waymark.Workflow": "Workflow",
    "waymark_runtime.workflows.Workflow": "Workflow",
    "waymark.RetryPolicy": "RetryPolicy",
    "waymark_runtime.actions.RetryPolicy": "RetryPolicy",
    "waymark.BackoffPolicy": "BackoffPolicy",
    "waymark_runtime.actions.BackoffPolicy": "BackoffPolicy",
    "asyncio.gather": "gather",
    "asyncio.sleep": "sleep",
    "asyncio.wait_for": "wait_for",
    "datetime.timedelta": "timedelta",
    "pydantic.BaseModel": "BaseModel",
    "pydantic.main.BaseModel": "BaseModel",
    "pydantic.RootModel": "BaseModel",
    "dataclasses.dataclass": "dataclass",
    "pydantic.dataclasses.dataclass": "dataclass",
    "enum.Enum": "Enum",
    "enum.IntEnum": "Enum",
    "enum.StrEnum": "Enum",
    "enum.Flag": "Enum",
    "enum.IntFlag": "Enum",
}

# The classes of modules the compiler does not read that `isinstance` and class patterns take
# (`lower.patterns.known_class`), by the path the runtime gives them: the bases of user classes,
# then the standard value classes.
KNOWN_CLASSES: dict[str, str] = {
    "enum.Enum": "enum:Enum",
    "enum.IntEnum": "enum:IntEnum",
    "enum.StrEnum": "enum:StrEnum",
    "enum.Flag": "enum:Flag",
    "enum.IntFlag": "enum:IntFlag",
    "pydantic.BaseModel": "pydantic.main:BaseModel",
    "pydantic.main.BaseModel": "pydantic.main:BaseModel",
    "builtins.type": "builtins:type",  # `isinstance(kind, type)`: is it a class
    # The standard value classes a workflow holds (`isinstance(amount, Decimal)`): the runtime
    # tests a value's class path against its real class's bases (`datetime` is a `date`).
    **{
        qualname: ":".join(qualname.rsplit(".", 1))
        for qualname in (
            "decimal.Decimal",
            "fractions.Fraction",
            "datetime.datetime",
            "datetime.date",
            "datetime.time",
            "datetime.timedelta",
            "datetime.timezone",
            "datetime.tzinfo",
            "uuid.UUID",
            "zoneinfo.ZoneInfo",
            "collections.OrderedDict",
            "collections.Counter",
            "collections.defaultdict",
            "collections.deque",
            "collections.ChainMap",
        )
    },
    # as the C implementation names them (`from collections import deque`)
    "_collections.OrderedDict": "collections:OrderedDict",
    "_collections.defaultdict": "collections:defaultdict",
    "_collections.deque": "collections:deque",
}

# Exception classes of modules the compiler does not read (Waymark's own, asyncio's, pydantic's,
# those the standard functions a workflow may call raise),
# by the path the runtime gives their class.
KNOWN_EXCEPTIONS: dict[str, str] = {
    "waymark.ActionTimeout": "waymark_runtime.actions:ActionTimeout",
    "waymark_runtime.actions.ActionTimeout": "waymark_runtime.actions:ActionTimeout",
    "waymark.ChildWorkflowError": "waymark_runtime.errors:ChildWorkflowError",
    "waymark_runtime.errors.ChildWorkflowError": "waymark_runtime.errors:ChildWorkflowError",
    "waymark.CompileError": "waymark_runtime.errors:CompileError",
    "waymark.WorkflowFailed": "waymark_runtime.errors:WorkflowFailed",
    "waymark.WaymarkError": "waymark_runtime.errors:WaymarkError",
    "waymark.ValueNotSerializable": "waymark_runtime.errors:ValueNotSerializable",
    "waymark.SignalTimeout": "waymark_runtime.errors:SignalTimeout",
    "waymark.WorkflowCancelled": "waymark_runtime.errors:WorkflowCancelled",
    "waymark_runtime.errors.WorkflowCancelled": "waymark_runtime.errors:WorkflowCancelled",
    "waymark.WorkflowTimeout": "waymark_runtime.errors:WorkflowTimeout",
    "waymark_runtime.errors.WorkflowTimeout": "waymark_runtime.errors:WorkflowTimeout",
    "waymark_runtime.errors.SignalTimeout": "waymark_runtime.errors:SignalTimeout",
    "asyncio.TimeoutError": "builtins:TimeoutError",
    "asyncio.CancelledError": "asyncio.exceptions:CancelledError",
    "asyncio.InvalidStateError": "asyncio.exceptions:InvalidStateError",
    "pydantic.ValidationError": "pydantic_core._pydantic_core:ValidationError",
    "statistics.StatisticsError": "statistics:StatisticsError",
    "decimal.DecimalException": "decimal:DecimalException",
    "decimal.InvalidOperation": "decimal:InvalidOperation",
    "decimal.DivisionByZero": "decimal:DivisionByZero",
    "json.JSONDecodeError": "json.decoder:JSONDecodeError",
    "csv.Error": "_csv:Error",
    "dataclasses.FrozenInstanceError": "dataclasses:FrozenInstanceError",
    "zoneinfo.ZoneInfoNotFoundError": "zoneinfo._common:ZoneInfoNotFoundError",
    # `re.error` (`re.PatternError` from Python 3.13 on, `re.error` its alias)
    **{
        f"re.{name}": f"re:{re.error.__qualname__}"
        for name in ("error", "PatternError")
        if hasattr(re, name)
    },
}


# Top-level packages whose names come from the tables above and are never parsed: reading them
# would be slow (the standard library) or would mean reading ourselves.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


OPAQUE_ROOTS = frozenset(
    {
        "asyncio",
        "bisect",
        "builtins",
        "calendar",
        "copy",
        "csv",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "hmac",
        "io",
        "itertools",
        "json",
        "logging",
        "operator",
        "os",
        "pathlib",
        "pydantic",
        "random",
        "re",
        "secrets",
        "statistics",
        "string",
        "sys",
        "textwrap",
        "time",
        "typing",
        "typing_extensions",
        "uuid",
        "waymark",
        "waymark_compiler",
        "waymark_runtime",
        "zoneinfo",
    }
)

# Builtin classes usable as `isinstance` targets and `match` class patterns.
BUILTIN_TYPES = _words("bool bytes dict float frozenset int list object set str tuple")


def type_path(cls: type) -> str:
    """A class's path as the runtime writes it: `module:QualName`."""
    return f"{cls.__module__}:{cls.__qualname__}"


# Builtin exception names (aliases like `IOError` included) and the path of their class.
BUILTIN_EXCEPTIONS: dict[str, str] = {
    name: type_path(value)
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}

OUTSIDE_EXCEPTION: frozenset[str] = frozenset(
    path
    for name, path in BUILTIN_EXCEPTIONS.items()
    if not issubclass(getattr(builtins, name), Exception)
)
"""`BaseException`, `SystemExit`, `KeyboardInterrupt`...: a workflow may catch them, not make one."""

Refusal = tuple[Rule, str, str]  # the rule, what it does (the message), help
_NOT_DURABLE = CONCURRENCY_PRIMITIVE

_CLOCK = "read the time inside an action, or pass it in as an argument of `run()`"
_RANDOM = "generate it inside an action, or pass it in as an argument of `run()`"
_IO = "do I/O inside an action"
_TASKS = "use `await asyncio.gather(...)` to run actions concurrently"

# Refused calls and values, by qualified name or by prefix (a key ending in `.`).
IMPURE: dict[str, Refusal] = {
    "datetime.datetime.now": (NONDETERMINISTIC_CALL, "reads the clock", _CLOCK),
    "datetime.datetime.utcnow": (NONDETERMINISTIC_CALL, "reads the clock", _CLOCK),
    "datetime.datetime.today": (NONDETERMINISTIC_CALL, "reads the clock", _CLOCK),
    "datetime.date.today": (NONDETERMINISTIC_CALL, "reads the clock", _CLOCK),
    "time.sleep": (
        CONCURRENCY_PRIMITIVE,
        "blocks the process",
        "use `await asyncio.sleep(seconds)`",
    ),
    "time.": (NONDETERMINISTIC_CALL, "reads the clock", _CLOCK),
    "random.": (NONDETERMINISTIC_CALL, "is random", _RANDOM),
    "secrets.": (NONDETERMINISTIC_CALL, "is random", _RANDOM),
    "uuid.": (
        NONDETERMINISTIC_CALL,
        "is random",
        "generate it inside an action, or pass it in as an argument of `run()`; a name-based "
        "id, `uuid.uuid5(namespace, name)`, is deterministic and may be made here",
    ),
    "os.": (NONDETERMINISTIC_CALL, "reads the process environment", _IO),
    "sys.": (NONDETERMINISTIC_CALL, "reads the process state", _IO),
    "builtins.open": (NONDETERMINISTIC_CALL, "does I/O", _IO),
    "builtins.print": (
        NONDETERMINISTIC_CALL,
        "does I/O",
        'write it to the instance\'s log, `self.log.info("got %s", value)` (or a module '
        "logger, `logging.getLogger(__name__)`), or return the value",
    ),
    "builtins.input": (NONDETERMINISTIC_CALL, "does I/O", _IO),
    "builtins.hash": (
        NONDETERMINISTIC_CALL,
        "is salted per process",
        "compare values directly",
    ),
    "builtins.id": (
        NONDETERMINISTIC_CALL,
        "depends on memory layout",
        "compare values directly",
    ),
    **dict.fromkeys(
        (f"asyncio.{name}" for name in ("Semaphore", "BoundedSemaphore", "Lock", "Condition")),
        (
            CONCURRENCY_PRIMITIVE,
            "is a lock the runtime cannot keep across processes",
            "gather the calls, and bound how many run at once on the action: "
            "`@action(concurrency=5)`",
        ),
    ),
    "asyncio.shield": (
        CONCURRENCY_PRIMITIVE,
        "makes a future the runtime keeps only where it is awaited",
        "await the shield where it is made: `result = await asyncio.shield(t)`",
    ),
    **dict.fromkeys(
        ("asyncio.get_running_loop", "asyncio.get_event_loop"),
        (
            CONCURRENCY_PRIMITIVE,
            "reads the event loop and its clock, which a workflow does not read (a step must "
            "mean the same whenever it runs)",
            "bound awaits with `async with asyncio.timeout(seconds):`; take times from an "
            "action or the workflow's inputs",
        ),
    ),
    "asyncio.": (CONCURRENCY_PRIMITIVE, "starts work the runtime cannot record", _TASKS),
}


def refusal_label(rule: Rule) -> str:
    """The caret label of an impure call: why the runtime cannot evaluate it."""
    return "not durable" if rule is _NOT_DURABLE else "not deterministic"


def impure(qualname: str) -> Refusal | None:
    """The refusal for a qualified name, by exact match first and then by longest prefix."""
    if qualname in IMPURE:
        return IMPURE[qualname]
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        found = IMPURE.get(".".join(parts[:cut]) + ".")
        if found is not None:
            return found
    return None


# The methods that change a dict, list or set in place: a module-level table a workflow reads
# must not be changed by them (`finder.changed_names`, `lower.constants`).
MUTATING_METHODS = _words(
    "append extend insert pop remove reverse sort clear update setdefault popitem add discard "
    "difference_update intersection_update symmetric_difference_update"
)
