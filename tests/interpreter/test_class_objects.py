"""A class attribute that holds an object (not data: `DEFAULT = Limits(5)`), read through an
instance, is one object every instance in the process shares and may change: a workflow
cannot hold it, so the read fails naming it, as the read through the class does, instead of
claiming there is no such attribute."""

from __future__ import annotations

import pytest

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.attributes import get_attribute
from waymark_runtime.values.decode import as_workflow_value
from waymark_runtime.values.registry import add_user_module

add_user_module(__name__)  # the runner's process has the workflow's module


class Limits:
    def __init__(self, per_day: int) -> None:
        self.per_day = per_day


class Plan:
    DEFAULT = Limits(5)
    NAME = "basic"

    def __init__(self, seats: int) -> None:
        self.seats = seats

    def label(self) -> str:
        return f"{self.NAME}:{self.seats}"


def test_a_shared_object_on_the_class_is_refused_by_name() -> None:
    plan = as_workflow_value(Plan(3))
    with pytest.raises(ProgramError, match=r"`Plan\.DEFAULT` is not data a workflow can read"):
        get_attribute(plan, "DEFAULT")


def test_class_data_and_missing_names_read_as_before() -> None:
    plan = as_workflow_value(Plan(3))
    assert get_attribute(plan, "seats") == 3
    assert get_attribute(plan, "NAME") == "basic"
    with pytest.raises(AttributeError, match="'Plan' object has no attribute 'missing'"):
        get_attribute(plan, "missing")
