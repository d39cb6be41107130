"""What an exception leaves out of a saved state (an attribute or args it cannot store) leaves
no trace in the state: the values saved after it keep their numbers, so the decoder's
references point where the encoder's did."""

from __future__ import annotations

from tests.interpreter.test_state import _resumed
from waymark_runtime.values import ExceptionValue


def test_an_exception_part_left_out_leaves_the_numbers_after_it_as_they_were() -> None:
    shared = [1]
    unstorable = object()
    error = ExceptionValue(("builtins:ValueError",), "x", ("x",), {"bad": [[2], (3,), unstorable]})
    other = ExceptionValue(("builtins:ValueError",), "y", ([3], unstorable))
    pair = (4,)
    loaded = _resumed(error, other, shared, pair, shared, pair)
    assert loaded[0].attrs == {} and loaded[1].args == ("y",)
    assert loaded[2] is loaded[4] and loaded[2] == [1]
    assert loaded[3] is loaded[5] and loaded[3] == (4,)
