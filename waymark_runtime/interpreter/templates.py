"""`string.Template` values: `substitute`, `safe_substitute`, `get_identifiers` and `is_valid`,
run by Python's own class, with each substituted value written as the workflow's `str()`
writes it and the result refused past the string limit before it is joined.

A template is stored as its text (`values.encode`); only the standard class itself is a
workflow value, never a subclass with its own delimiter or pattern.
"""

from __future__ import annotations

import string
from collections import ChainMap
from collections.abc import Callable
from typing import Any

from waymark_runtime.interpreter.limits import Meter

TEMPLATE_METHODS = frozenset({"substitute", "safe_substitute", "get_identifiers", "is_valid"})


class _Texts:
    """The mapping a template reads its placeholders from: each value as its text, the
    lengths added up, so a template repeating a long value is refused before it is built."""

    def __init__(self, lookup: Any, text: Callable[[Any], str], meter: Meter, size: int) -> None:
        # `size`: the characters of the values read so far
        self.lookup, self.text, self.meter, self.size = lookup, text, meter, size

    def __getitem__(self, key: str) -> str:
        written = self.text(self.lookup[key])
        self.size += len(written)
        self.meter.allow_chars(self.size)
        return written


def call_template_method(
    template: string.Template,
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    text: Callable[[Any], str],
    meter: Meter,
) -> Any:
    """`template.name(*args, **kwargs)`; `text` is the workflow's `str()`."""
    method = getattr(template, name)
    if name not in ("substitute", "safe_substitute") or len(args) > 1:
        return method(*args, **kwargs)  # Python's answer, or its `TypeError`
    lookup: Any = kwargs
    if args:
        lookup = ChainMap(kwargs, args[0]) if kwargs else args[0]
    written = method(_Texts(lookup, text, meter, 0))  # the values: checked as they are read
    return meter.settle(written)  # with the template's own text
