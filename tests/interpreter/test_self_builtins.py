"""What `getattr(self, name)` cannot answer exactly with a computed name: a method's name or a
special one fails the instance with `ProgramError`, named in its message; `hasattr` answers."""

from __future__ import annotations

import pytest

from tests.interpreter.host import drive
from waymark import Workflow, workflow
from waymark._workflow import definition_of


@workflow
class Lookup(Workflow):
    LIMIT = 4

    def helper(self) -> int:
        return 1

    async def run(self, key: str, ask: bool) -> object:
        if ask:
            return hasattr(self, key)
        return getattr(self, key, None)


@pytest.mark.parametrize(
    ("key", "said"),
    [("helper", "a method named by a computed name"), ("run", "a method named by a computed"),
     ("__dict__", "a special attribute of the workflow object")],
)  # fmt: skip
async def test_a_computed_name_of_a_method_or_special_attribute_is_refused(
    key: str, said: str
) -> None:
    outcome = await drive(definition_of(Lookup).program, {"key": key, "ask": False})
    assert outcome[:2] == ("raised", "ProgramError")
    assert said in outcome[2] and repr(key) in outcome[2]


@pytest.mark.parametrize(("key", "has"), [("helper", True), ("log", True), ("LIMIT", True),
                                          ("other", False)])  # fmt: skip
async def test_hasattr_of_a_computed_name_sees_methods_and_constants(key: str, has: bool) -> None:
    assert await Lookup().run_inline(key=key, ask=True) is has
    assert await drive(definition_of(Lookup).program, {"key": key, "ask": True}) == (
        "returned",
        has,
    )
