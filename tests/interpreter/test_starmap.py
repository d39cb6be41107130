"""`itertools.starmap`'s argument tuples fail as CPython's call of the function fails."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from typing import Any

import pytest

from waymark_runtime.interpreter.starmap import starmap_items


def volume(width: float, height: float, depth: float) -> float:
    return width * height * depth


def half(x: float) -> float:
    return x / 2


FUNCTIONS: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
    (volume, ("volume", ("width", "height", "depth"), 0)),
    (half, ("half", ("x",), 0)),
    (lambda a, b: a, ("<lambda>", ("a", "b"), 0)),
    (operator.mul, ("mul", 2)),
    (operator.neg, ("neg", 1)),
]
ITEMS: list[Any] = [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [5, 6], "ab", 7]


def _outcome(make: Callable[[], Any]) -> tuple[str, str]:
    try:
        return ("returned", repr(list(make())))
    except TypeError as error:
        return ("raised", str(error))


@pytest.mark.parametrize(("function", "spec"), FUNCTIONS)
@pytest.mark.parametrize("item", ITEMS)
def test_an_item_of_any_length_fails_as_cpython_calls_fail(
    function: Callable[..., Any], spec: tuple[Any, ...], item: Any
) -> None:
    ours = _outcome(lambda: (function(*args) for args in starmap_items([item], spec)))
    assert ours == _outcome(lambda: itertools.starmap(function, [item]))


def test_the_iterable_is_read_at_the_call_and_its_items_lazily() -> None:
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        starmap_items(3, ("mul", 2))
    items = starmap_items([(1, 2), (3,)], ("mul", 2))
    assert next(items) == (1, 2)
    with pytest.raises(TypeError, match="mul expected 2 arguments, got 1"):
        next(items)
