"""`template.format(...)` and `template.format_map(mapping)` for a template the compiler could
not turn into an f-string (one held in a variable, `*args`, computed arguments).

Python's own template parser and field numbering (`string.Formatter`) with Python's errors;
each field is read as a workflow reads values (`.name` as `getattr` reads a field or data
attribute, never a special one such as `__class__`; `[key]` as indexing), converted (`!r`,
`!s`, `!a`) and formatted under the same guards as an f-string's fields, so a width of 10**9
is refused before the work.
"""

from __future__ import annotations

import _string  # type: ignore[import-not-found]  # CPython's template parser, as `string` uses
import string
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import ProgramError

if TYPE_CHECKING:
    from waymark_runtime.interpreter.library import Library


class WorkflowFormatter(string.Formatter):
    """`str.format` with a workflow's reads, conversions and guards."""

    def __init__(
        self,
        attribute: Callable[[Any, str], Any],
        conversions: Mapping[str | None, Callable[[Any], Any]],
        format_value: Callable[[Any, str], str],
    ) -> None:
        self.attribute = attribute
        self.conversions = conversions
        self.format_value = format_value

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int):
            if key >= len(args):
                raise IndexError(f"Replacement index {key} out of range for positional args tuple")
            return args[key]
        return kwargs[key]

    def get_field(
        self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, int | str]:
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            if is_attribute and key.startswith("__"):
                raise ProgramError(
                    f"`str.format` field `{field_name}` reads the special attribute `{key}`, "
                    "which a workflow does not read"
                )
            obj = self.attribute(obj, key) if is_attribute else obj[key]
        return obj, first

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        convert = self.conversions.get(conversion)
        if convert is None:
            raise ValueError(f"Unknown conversion specifier {conversion!s}")
        return convert(value)

    def format_field(self, value: Any, format_spec: str) -> str:
        return self.format_value(value, format_spec)


_SWITCH_TO_AUTOMATIC = "cannot switch from manual field specification to automatic field numbering"
_SWITCH_TO_MANUAL = "cannot switch from automatic field numbering to manual field specification"


def _switches_to_manual(template: str) -> bool:
    """Whether the template's first numbered field after an automatic one is what broke the
    numbering (`string.Formatter` says "manual to automatic" for both directions; Python's
    `str.format` names the one that happened)."""
    automatic = None
    for _, field, spec, _ in _string.formatter_parser(template):
        for name in (field, *((f for _, f, _, _ in _string.formatter_parser(spec or "")))):
            if name is None:
                continue
            first = _string.formatter_field_name_split(name)[0]
            if first == "":
                automatic = True if automatic is None else automatic
            elif isinstance(first, int):
                if automatic:
                    return True
                automatic = False if automatic is None else automatic
    return False


class _NoPositionals(tuple[Any, ...]):
    """`format_map`'s positional arguments: a field that asks for one is Python's error."""

    def __len__(self) -> int:
        raise ValueError("Format string contains positional fields")


_NO_POSITIONALS = _NoPositionals()


class _Mapping(dict[str, Any]):
    """`format_map`'s mapping, looked up by key only (a `defaultdict` or `Counter` answers a
    missing key as it does)."""

    def __init__(self, mapping: Any) -> None:
        super().__init__()
        self.mapping = mapping

    def __getitem__(self, key: str) -> Any:
        return self.mapping[key]


def format_text(
    formatter: WorkflowFormatter, template: str, name: str, args: list[Any], kwargs: dict[str, Any]
) -> str:
    """`template.format(*args, **kwargs)` (`name` "format") or `template.format_map(args[0])`."""
    if name == "format":
        try:
            return formatter.vformat(template, args, kwargs)
        except ValueError as error:
            if str(error) == _SWITCH_TO_AUTOMATIC and _switches_to_manual(template):
                raise ValueError(_SWITCH_TO_MANUAL) from None
            raise
    if kwargs or len(args) != 1:
        raise TypeError(f"str.format_map() takes exactly one argument ({len(args)} given)")
    return formatter.vformat(template, _NO_POSITIONALS, _Mapping(args[0]))


def conversions(library: Library) -> dict[str | None, Callable[[Any], Any]]:
    """`{value}`, `{value!s}`, `{value!r}`, `{value!a}`: a value whose text may be long is
    measured before it is formatted."""
    guards, meter = library.bounded, library.bounded.meter

    def identity(value: Any) -> Any:
        kind = value.__class__
        if kind is not str and (kind is not int or value.bit_length() > 64):
            meter.allow_chars(guards.text_length(value))
        return value

    def as_ascii(value: Any) -> Any:
        meter.allow_chars(guards.text_length(value, quoted=True))
        return meter.settle(ascii(value))

    builtins = library.bounded.builtins
    return {None: identity, "s": builtins["str"], "r": builtins["repr"], "a": as_ascii}
