"""A pure method called through its builtin type — `str.strip(s)`, `str.join(sep, parts)`,
`dict.get(d, k)`, `list.append(xs, x)` (which changes the list, as in Python), `set.union` —
and Python's `TypeError` when the receiver is not of that type (a `StrEnum` member is a
`str`)."""

from __future__ import annotations

from enum import StrEnum

from waymark import Workflow, action, workflow


class Tier(StrEnum):
    PRO = "pro"


@action
async def record(label: str) -> dict[str, object]:
    return {"label": label, "count": 5, "tags": ["x"]}


@workflow
class ThroughTypes(Workflow):
    async def run(self, label: str) -> list[object]:
        row = await record(label)
        tags = row["tags"]
        list.append(tags, "y")  # type: ignore[arg-type]
        out: list[object] = [
            str.strip(label),
            str.upper(str(row["label"])),
            str.split("a,b", ","),
            str.join("-", ["a", "b"]),
            dict.get(row, "count"),
            dict.get(row, "missing", 0),
            tags,
            str.upper(Tier.PRO),
            set.union({1}, {2}),
            str.replace(label, " ", "_", 1),
        ]
        for value in (row["count"], None, tags):
            try:
                out.append(str.lower(value))  # type: ignore[arg-type]
            except TypeError as error:
                out.append(f"TypeError: {error}")
        return out
