"""The workflow object of one instance: the attributes `run()` and its helper methods set on
`self` (`self.total = 0`, `self.seen.append(x)`), kept as that instance's state.

Each instance runs on a fresh workflow object, so what a run sets on `self` is the instance's
own, as a local of `run()` is: it is saved with the frames' values (a list `self.seen` and a
local holding it stay one object after a resume) and outlives awaits and restarts. The compiled
code reads it through the hidden name `SELF_STATE`; the running machine installs it in the step
context's `Bounded` (`instance`), where that name finds it. It must not hold class attributes:
the compiler inlines those where they are read.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.values import JSON, Decoder, Encoder
from waymark_runtime.values.model_values import ModelValue

SELF_STATE = "_wm_self"
"""The hidden name a compiled `self.x` reads and assigns through."""


def is_workflow_object(value: ModelValue) -> bool:
    """Is `value` an instance's workflow object (its attributes stored as given: no class of
    it is loaded to ask)?"""
    return value.type.startswith(":")


class InstanceSelf:
    """One instance's workflow object, made when the run first touches it."""

    def __init__(self, owner: str = "") -> None:
        self.owner = owner  # the workflow class's name, as `AttributeError` names it
        self._value: ModelValue | None = None

    def value(self) -> ModelValue:
        if self._value is None:  # `:Name`: a path no class is found at, named `Name`
            self._value = ModelValue(f":{self.owner}", "object", {})
        return self._value

    def saved(self, encoder: Encoder) -> JSON:
        """The object as a value of the instance's state (None while nothing was set), encoded
        with its frames' values."""
        if self._value is None or not self._value.fields:
            return None
        return encoder.encode(self._value.fields)

    def load(self, decoder: Decoder, saved: JSON) -> None:
        if saved is not None:
            fields: dict[str, Any] = decoder.decode(saved)
            self._value = ModelValue(f":{self.owner}", "object", fields)
