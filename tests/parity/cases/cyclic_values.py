"""Containers that hold themselves: `repr` writes `[...]`/`{...}` for the way back, and a
comparison of a container with itself takes its items by identity, so neither walks for ever."""

from __future__ import annotations

from waymark import Workflow, workflow


@workflow
class CyclicRepr(Workflow):
    async def run(self, label: str) -> list[str]:
        items: list[object] = [label]
        items.append(items)
        table: dict[str, object] = {"label": label}
        table["self"] = table
        return [repr(items), str(table), f"{items}", str(len(items))]


@workflow
class CyclicEquality(Workflow):
    async def run(self, label: str) -> list[bool]:
        items: list[object] = [label]
        items.append(items)
        other = [label, items]
        return [items == items, items in items, other == items, items != items]
