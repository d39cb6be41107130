"""Attributes of `self` through the builtins: `getattr` (with and without a default, of a
constant of the class, of `__init__` and of the run's own state, by a literal and by a computed
name), `hasattr` (methods included), `setattr`, `delattr` and `vars(self)`, the instance's own
dict, live, `__init__`'s attributes first."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def fetch_count(name: str) -> int:
    return len(name)


@workflow
class SelfAttributes(Workflow):
    LIMIT = 5
    LABEL = "batch"

    def __init__(self) -> None:
        self.retries = 3
        self.LABEL = "run"

    def counted(self) -> int:
        return getattr(self, "count", -1)

    def bump(self, by: int) -> None:
        self.count = getattr(self, "count", 0) + by

    async def run(self, name: str, field: str) -> dict[str, object]:
        before = self.counted(), hasattr(self, "count"), hasattr(self, field)
        self.bump(await fetch_count(name))
        self.seen = [name]
        self.seen.append(field)
        state = vars(self)
        state["extra"] = 1
        found = {
            "limit": self.LIMIT,
            "label": getattr(self, "LABEL", "none"),
            "retries": self.retries,
            "missing": getattr(self, "missing", None),
            "field": getattr(self, field, "no such field"),
            "extra": self.extra,
        }
        methods = hasattr(self, "run"), hasattr(self, "bump"), hasattr(self, "log")
        has = hasattr(self, "seen"), hasattr(self, "LIMIT"), hasattr(self, "nothing")
        delattr(self, "extra")
        after = dict(vars(self)), hasattr(self, "extra"), self.counted()
        return {"before": before, "found": found, "methods": methods, "has": has,
                "after": after, "state": state is vars(self)}  # fmt: skip


@workflow
class MissingAttribute(Workflow):
    async def run(self, name: str, drop: bool) -> object:
        self.name = name
        if drop:
            delattr(self, "name")
            delattr(self, "name")
        return getattr(self, name)


@workflow
class ComputedNames(Workflow):
    RATE = 2

    async def run(self, key: object) -> object:
        self.total = 10
        return hasattr(self, key), getattr(self, key, "default")  # type: ignore[arg-type]
