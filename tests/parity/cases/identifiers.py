"""Identifiers that are not in NFKC form: CPython reads `ﬁle` (with the `fi` ligature) as
`file` and a fullwidth `N` as `N` (PEP 3131), so a workflow that spells one name two ways
means one variable, one parameter and one class, and its workflow name is the normalized class
name."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def ﬁnd(ﬁeld: str) -> str:
    return field.upper()


@workflow
class Ｎormalized(Workflow):
    async def run(self, ﬁrst: int, label: str = "x") -> list[object]:
        ﬁle = first + 1
        found = await find(ﬁeld=label)
        ｔotal = file * 2
        return [ﬁle, file, total, found, type(self).__name__, self.ﬂag(ﬁrst)]

    def ﬂag(self, value: int) -> bool:
        return value > 1
