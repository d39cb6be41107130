"""Tuples in a saved state stay one object wherever they were one, cycles through the
objects they hold included (`state_tuples`)."""

from __future__ import annotations

from typing import Any

from tests.interpreter.test_state import _resumed
from waymark_runtime.values import ExceptionValue, ModelValue


def _member(name: str) -> ModelValue:
    return ModelValue("team:Member", "object", {"name": name}, ("team:Member",))


def test_a_tuple_held_twice_loads_as_one_tuple() -> None:
    pair = (1, [2])
    loaded = _resumed(pair, [pair], {"k": pair})
    assert loaded[0] is loaded[1][0] is loaded[2]["k"]
    assert loaded[0] == (1, [2])


def test_members_of_a_tuple_that_lead_back_to_it_see_the_one_tuple() -> None:
    a, b = _member("a"), _member("b")
    team = (a, b)
    a.fields["team"] = b.fields["team"] = team
    a.fields["by_name"] = {"team": [team]}
    loaded_a, loaded_b = _resumed(a, b)
    made = loaded_a.fields["team"]
    assert made is loaded_b.fields["team"]
    assert made[0] is loaded_a and made[1] is loaded_b
    assert loaded_a.fields["by_name"]["team"][0] is made


def test_a_tuple_reached_again_under_what_cannot_take_it_later_is_saved_whole() -> None:
    a = _member("a")
    team = (a,)
    error = ExceptionValue(("builtins:ValueError",), "x", ("x",))
    a.fields["again"] = (team,)
    a.fields["error"] = error
    error.attrs["team"] = team
    (loaded,) = _resumed(team)
    member: Any = loaded[0]
    assert member.fields["again"][0][0] is member
    assert member.fields["error"].attrs["team"][0] is member
