"""An enum class a workflow names, held as its members (`EnumMembers`), crosses the boundary
(an action's argument, the run's result) as the class itself; the instance's own state keeps
its members."""

from __future__ import annotations

import pytest

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.interpreter.classes import EnumMembers
from waymark_runtime.values import EnumValue, to_json

PATH = "tests.parity.cases.enum_class_values:Color"


def test_an_enum_class_is_encoded_as_the_class() -> None:
    members = EnumMembers((EnumValue(PATH, "RED", 1), EnumValue(PATH, "BLUE", 2)))
    assert to_json(members) == {"$t": "type", "v": PATH}
    assert to_json([members]) == [{"$t": "type", "v": PATH}]


def test_an_enum_class_with_no_members_is_refused() -> None:
    with pytest.raises(ValueNotSerializable, match="enum class with no members"):
        to_json(EnumMembers(()))


def test_a_plain_tuple_stays_a_tuple() -> None:
    assert to_json((1, 2)) == to_json(tuple([1, 2]))
    assert to_json((1, 2))["$t"] == "tuple"
