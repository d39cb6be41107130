"""An enum class reached as a value (`kind = type(member)`, a dataclass field's type): the
`TypeValue` of a class that is an enum, loaded here, answers `len`, iteration, `in`, lookup by
value (`kind(2)`) and by name (`kind["RED"]`) as the class does, with its members as workflow
values. Any other class raises Python's errors for them.

Asked of the real class, as `interpreter.classes` asks it for a `Flag`'s combinations: a
process where the class's module is not loaded fails the call with an error saying so. Nothing
here imports a module (the values it uses are imported when first needed: they import this).
"""

from __future__ import annotations

import enum
from typing import Any

from waymark_runtime.errors import ProgramError


class ClassBehaviour:
    """What a class used as a value does besides being compared and named (`TypeValue`)."""

    __slots__ = ()
    path: str

    def __eq__(self, other: object) -> bool:
        found = getattr(other, "enum_path", None)  # an enum class named in the code
        if found is not None:
            return bool(found == self.path)
        return bool(super().__eq__(other))

    def __hash__(self) -> int:
        return hash(self.path)

    def __bool__(self) -> bool:  # a class is true (`__len__` would otherwise be asked)
        return True

    def __len__(self) -> int:
        return len(_enum(self, "object of type 'type' has no len()"))

    def __iter__(self) -> Any:
        return iter([_member(m) for m in _enum(self, "'type' object is not iterable")])

    def __contains__(self, item: object) -> bool:
        from waymark_runtime.values import find_class, real_value

        cls = _enum(self, "argument of type 'type' is not iterable")
        return real_value(item, types=find_class) in cls

    def __getitem__(self, name: Any) -> Any:
        cls = _enum(self, f"type '{_short(self.path)}' is not subscriptable")
        return _member(cls[name])

    def call(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """`kind(value)`: the member whose value it is, with the class's own errors."""
        from waymark_runtime.values import find_class, real_value

        cls = _enum(self, "'type' object is not callable")
        if kwargs or len(args) != 1:
            raise TypeError(f"{cls.__name__}() takes exactly one argument here: the value")
        return _member(cls(real_value(args[0], types=find_class)))


def enum_class(path: str) -> type[enum.Enum] | None:
    """The enum class at `path`, when it is loaded here."""
    from waymark_runtime.values import find_class

    cls = find_class(path)
    return cls if isinstance(cls, type) and issubclass(cls, enum.Enum) else None


def _enum(value: ClassBehaviour, error: str) -> type[enum.Enum]:
    cls = enum_class(value.path)
    if cls is not None:
        return cls
    from waymark_runtime.values import find_class

    if find_class(value.path) is None and not value.path.startswith("builtins:"):
        raise ProgramError(
            f"class `{value.path}` is not loaded in this process: an enum class read as a "
            "value is asked of the class itself (load its module with WAYMARK_USER_MODULE)"
        )
    raise TypeError(error)


def _member(member: enum.Enum) -> Any:
    from waymark_runtime.values import to_json, to_value

    return to_value(to_json(member))


def _short(path: str) -> str:
    return path.rpartition(":")[2].rpartition(".")[2]
