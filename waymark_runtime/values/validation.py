"""Validating a value against an annotation with pydantic (a workflow's inputs, a signal's
payload), Python's numbers kept where validation made an equal one of another type.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from waymark_runtime.values.cycles import nesting_problem

if TYPE_CHECKING:
    from pydantic import TypeAdapter


def validated(annotation: Any, value: Any) -> Any:
    """`value` validated into `annotation` with pydantic (lax: a dict becomes the annotated
    model, an ISO string a date), except that numbers stay as given where they are equal to
    what validation made of them: Python passes the int 3 to `amount: float` as 3, and a
    workflow must compute `f"{amount}"` as the same `3`, not `3.0`.

    A value that contains itself (`x.append(x)`) or nests past the recursion limit has no JSON
    form: `ValueNotSerializable`, not a `RecursionError` or pydantic's cyclic-reference error."""
    from pydantic import ValidationError

    try:
        return _numbers_kept(value, type_adapter(annotation).validate_python(value))
    except RecursionError:
        raise nesting_problem(value) from None
    except ValidationError as failure:
        if any(error["type"] == "recursion_loop" for error in failure.errors()):
            raise nesting_problem(value) from None
        raise


def _numbers_kept(given: Any, made: Any) -> Any:
    kind = given.__class__
    if kind in _NUMBERS:
        return given if made.__class__ in _NUMBERS and made == given else made
    made_kind = made.__class__
    if kind in _SEQUENCES and made_kind in _SEQUENCES and len(made) == len(given):
        return made_kind(_numbers_kept(g, m) for g, m in zip(given, made, strict=True))
    if kind is dict and made.__class__ is dict and made.keys() == given.keys():
        return {key: _numbers_kept(given[key], made[key]) for key in made}
    return made


_NUMBERS = (int, float, bool, Decimal, Fraction)
_SEQUENCES = (list, tuple)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def type_adapter(annotation: Any) -> TypeAdapter[Any]:
    """One `TypeAdapter` per annotation: building one costs far more than validating with it.
    pydantic is imported here, on first use: runners never validate and do without it."""
    from pydantic import TypeAdapter

    try:
        return _ADAPTERS[annotation]
    except KeyError:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
        return adapter
    except TypeError:  # an unhashable annotation
        return TypeAdapter(annotation)
