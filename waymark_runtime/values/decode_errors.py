"""Decoding a stored exception: a structural `ExceptionValue` (for the interpreter) or a real
exception of the caller's class (or a same-named stand-in), with its chain and the traceback
text of where an action raised it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.exception_values import ExceptionValue
from waymark_runtime.values.foreign import rebuild_foreign
from waymark_runtime.values.structural import JSON, short_name

if TYPE_CHECKING:
    from waymark_runtime.values.decode import Decoder


def exception_from(dec: Decoder, value: JSON) -> Any:
    lineage = (value["type"], *value["bases"])
    args = tuple(dec.decode(a) for a in value["args"])
    # Every attribute decoded, in order, so a state's numbered lists and dicts in them are
    # counted as they were encoded; then only the plain ones and `add_note`'s list are kept
    # (the list itself: a name that holds it still holds the exception's notes).
    decoded = {k: dec.decode(v) for k, v in value["attrs"].items()}
    attrs = {k: v for k, v in decoded.items() if not k.startswith("__")}
    notes = decoded.get("__notes__")
    if type(notes) is list and all(type(note) is str for note in notes):
        attrs["__notes__"] = notes
    remote = value.get("traceback")
    text = dec.decode(remote) if remote is not None else None
    cause = _link(dec, value.get("cause"))
    context = cause if value.get("context") == "cause" else _link(dec, value.get("context"))
    if dec.types is None:
        message = dec.decode(value["message"])
        if not isinstance(message, str) or not all(isinstance(t, str) for t in lineage):
            raise ValueNotSerializable("a stored exception's type, bases and message are text")
        made = ExceptionValue(lineage, message, args, attrs, text)
        made.cause, made.context, made.suppress = cause, context, value.get("suppress") is True
        return made
    error = rebuild_foreign(lineage[0], attrs)
    if error is None:
        error = _with_state(dec, lineage, args, attrs, value["message"])
    if cause is None and isinstance(text, str):  # the worker's traceback shows there
        cause = RemoteTraceback(text)
    # Set as `raise` sets them, past a class's own `__setattr__` (a frozen `@dataclass`'s).
    for name, link in (("__context__", context), ("__cause__", cause)):
        object.__setattr__(error, name, link)
    object.__setattr__(error, "__suppress_context__", value.get("suppress") is True)
    return error


def _link(dec: Decoder, value: JSON) -> Any:
    """A link of an exception's chain: an exception, or None."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("$t") not in ("exception", "eref"):
        raise ValueNotSerializable("a stored exception's cause and context are exceptions")
    return dec.decode(value)


class RemoteTraceback(Exception):
    """The traceback of where an action raised an exception, in its worker process: set as
    the rebuilt exception's `__cause__`, so a traceback printout (pytest's too) shows it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text.rstrip()}\n"""'


def _with_state(
    dec: Decoder, lineage: tuple[str, ...], args: tuple[Any, ...], attrs: dict[str, Any],
    message: JSON,
) -> BaseException:  # fmt: skip
    """The exception made without its `__init__`, then given its args and attributes."""
    error = _rebuilt(dec.resolve(lineage[0], "exception"), args)
    if error is None:  # not known here, or not rebuilt from its args: a same-named stand-in
        args = args or (dec.decode(message),)
        error = _stand_in(dec, lineage)(*args)
    _restore(error, "args", args)
    for key, attr in attrs.items():
        if attr is None and getattr(error, key, None) is None:
            continue  # `OSError.filename = None` would change how it prints
        _restore(error, key, attr)
    return error


def _restore(error: BaseException, key: str, value: Any) -> None:
    """`error.key = value`, as the class allows it; a frozen `@dataclass` exception's state is
    set as its `__init__` sets it, and read-only attributes are left to the class, which
    rebuilds them from the args."""
    try:
        setattr(error, key, value)
    except dataclasses.FrozenInstanceError:
        object.__setattr__(error, key, value)
    except AttributeError:
        pass


def _rebuilt(cls: type | None, args: tuple[Any, ...]) -> BaseException | None:
    """An instance of `cls` made without running its `__init__`, if `__new__` takes the args."""
    try:
        return cls.__new__(cls, *args) if cls is not None else None
    except Exception:
        return None


_STAND_INS: dict[tuple[str, ...], type[BaseException]] = {}


def _stand_in(dec: Decoder, lineage: tuple[str, ...]) -> type[BaseException]:
    """A same-named subclass of the nearest known base, for a class that is not known here."""
    cached = _STAND_INS.get(lineage)
    if cached is None:
        bases = (dec.resolve(path, "exception") for path in lineage[1:])
        base = next((b for b in bases if b is not None), Exception)
        module, _, qualname = lineage[0].partition(":")
        cached = type(
            short_name(lineage[0]), (base,), {"__module__": module, "__qualname__": qualname}
        )
        _STAND_INS[lineage] = cached
    return cached
