"""Assigning an attribute of a plain instance stores the value where every name holding the
instance sees it; an assignment that would run the class's own code (a property's setter, a
descriptor, the class's `__setattr__`) fails with an error naming it, and a property without a
setter fails as in Python."""

from __future__ import annotations

from typing import Any

import pytest

from waymark import Workflow, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ProgramError


class Celsius:
    def __init__(self, degrees: float) -> None:
        self._degrees = degrees

    @property
    def degrees(self) -> float:
        return self._degrees

    @degrees.setter
    def degrees(self, value: float) -> None:
        self._degrees = value * 2

    @property
    def kelvin(self) -> float:
        return self._degrees + 273.15


class Logged:
    def __init__(self) -> None:
        self.n = 0

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, (name, value))


@workflow
class SetsProperty(Workflow):
    async def run(self) -> float:
        reading = Celsius(1.0)
        reading.degrees = 5.0
        return reading.degrees


@workflow
class SetsLogged(Workflow):
    async def run(self) -> int:
        logged = Logged()
        logged.k = 1
        return 0


@workflow
class SetsReadOnly(Workflow):
    async def run(self) -> str:
        reading = Celsius(1.0)
        try:
            reading.kelvin = 3.0  # type: ignore[misc]
        except AttributeError as error:
            return str(error)
        return "set"


async def _run(flow: Any) -> Any:
    async with LocalRuntime():
        return await flow.run()


async def test_a_property_setter_is_refused_naming_it() -> None:
    with pytest.raises(ProgramError, match=r"assigning `Celsius.degrees` runs a property setter"):
        await _run(SetsProperty())


async def test_a_class_with_its_own_setattr_is_refused_naming_it() -> None:
    with pytest.raises(ProgramError, match=r"`Logged.k` runs its own `__setattr__` of Logged"):
        await _run(SetsLogged())


async def test_a_property_without_a_setter_fails_as_in_python() -> None:
    expected = await SetsReadOnly().run_inline()
    assert await _run(SetsReadOnly()) == expected
    assert "has no setter" in expected
