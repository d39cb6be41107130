"""`is` between two values whose identity CPython leaves to its caches (numbers, strings,
tuples held in variables) fails the instance naming both types, where a literal on one side is
refused when compiling (WM149, `tests/refusals/identity_comparison.py`)."""

from __future__ import annotations

import pytest

from waymark import Workflow, action, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ProgramError


@action
async def count_rows(n: int) -> int:
    return n * 1000


@workflow
class ComparesNumbers(Workflow):
    async def run(self, n: int) -> bool:
        first, second = await count_rows(n), await count_rows(n)
        return first is second


@workflow
class ComparesTexts(Workflow):
    async def run(self, name: str) -> bool:
        label = name.upper()
        return label is not name


@pytest.mark.parametrize(
    ("flow", "inputs", "types"),
    [
        (ComparesNumbers(), {"n": 3}, "int and int"),
        (ComparesTexts(), {"name": "ann"}, "str and str"),
    ],
)
async def test_is_between_numbers_or_texts_fails_naming_their_types(
    flow: Workflow, inputs: dict[str, object], types: str
) -> None:
    async with LocalRuntime():
        with pytest.raises(
            ProgramError, match=f"`is` between values of types {types}: CPython may or may not"
        ):
            await flow.run(**inputs)  # type: ignore[attr-defined]
