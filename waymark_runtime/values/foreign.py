"""Exceptions of libraries whose state is not in `args` and attributes: how they travel.

pydantic's `ValidationError` is built by pydantic-core from its line errors; its `args` are
empty and it has no `__dict__`, so the generic form (args, attributes) would lose its errors and
could not build it again. Its value carries `title` and `errors` (`errors(include_url=False)`)
as attributes, and a process that rebuilds real objects calls `from_exception_data`. Nothing
here imports pydantic unless such a value is met.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

VALIDATION_ERROR = "pydantic_core._pydantic_core:ValidationError"


def foreign_attrs(error: BaseException, path: str) -> dict[str, Any] | None:
    """The attributes that describe `error`, for a class this module knows; else None."""
    if path == VALIDATION_ERROR:
        return {"title": error.title, "errors": error.errors(include_url=False)}  # type: ignore[attr-defined]
    return None


def is_foreign(path: str) -> bool:
    """Whether `path` names a class this module rebuilds (never one of the user's)."""
    return path in _BUILDERS


def rebuild_foreign(path: str, attrs: dict[str, Any]) -> BaseException | None:
    """The real exception for a class this module knows, from its attributes; else None."""
    build = _BUILDERS.get(path)
    if build is None:
        return None
    try:
        return build(attrs)
    except Exception:  # a malformed value: the caller makes a same-named stand-in
        return None


def _validation_error(attrs: dict[str, Any]) -> BaseException:
    if "pydantic_core" not in sys.modules:
        import pydantic_core  # noqa: F401  (the class is pydantic-core's)
    from pydantic_core import ValidationError

    lines = [_line_error(error) for error in attrs["errors"]]
    return ValidationError.from_exception_data(str(attrs["title"]), lines)


def _line_error(error: dict[str, Any]) -> Any:
    """One line error as `from_exception_data` takes it; a type pydantic-core does not know
    (a `PydanticCustomError` of the user's) keeps its type and message."""
    from pydantic_core import PydanticCustomError, ValidationError

    line: dict[str, Any] = {"type": error["type"], "loc": tuple(error["loc"]),
                            "input": error.get("input")}  # fmt: skip
    if "ctx" in error:
        line["ctx"] = error["ctx"]
    try:
        ValidationError.from_exception_data("check", [line])  # type: ignore[list-item]
    except KeyError:  # "Invalid error type"
        line = {**line, "type": PydanticCustomError(error["type"], error["msg"])}
        line.pop("ctx", None)
    return line


_BUILDERS: dict[str, Callable[[dict[str, Any]], BaseException]] = {
    VALIDATION_ERROR: _validation_error,
}
