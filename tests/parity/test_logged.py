"""Every case module that logs to the shared action log (`cases.logged`) has the `reset` the
harness calls before each run, so no run sees the lines of the one before it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.parity.cases import CASES, logged

CASE_MODULES = {case.module_name for case in CASES}
# The modules that import the shared log, found by their text so only they are loaded here.
SHARING = sorted(
    f"tests.parity.cases.{path.stem}"
    for path in Path(logged.__file__).parent.glob("*.py")
    if "from tests.parity.cases.logged import" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("module_name", SHARING)
def test_a_module_on_the_shared_log_resets_it(module_name: str) -> None:
    module = importlib.import_module(module_name)
    logged.LOG.append("left by an earlier run")
    module.reset()
    assert logged.LOG == []


def test_the_modules_on_the_shared_log_are_case_modules() -> None:
    assert len(SHARING) >= 10
    assert set(SHARING) <= CASE_MODULES
