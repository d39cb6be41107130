"""`repr` and `str` of a real object rebuilt from a workflow value, as the value shows it."""

from __future__ import annotations

from typing import Any


def shown(real: Any, as_str: bool) -> str:
    """`repr(x)` (or `str(x)`) of a real object; for a plain instance whose class writes neither,
    `<module.Class object>`: Python's form without the address, which is the process's and no
    part of the workflow's value (it would differ each time the value is loaded)."""
    cls: Any = type(real)
    if cls.__repr__ is object.__repr__ and (not as_str or cls.__str__ is object.__str__):
        return f"<{cls.__module__}.{cls.__qualname__} object>"
    return str(real) if as_str else repr(real)
