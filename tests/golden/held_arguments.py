"""A function argument computed at run time is evaluated once, with the iterable, before the
call: `key=` of `sorted` and `map`'s function."""

from waymark import Workflow, action, workflow


def by_name(row: dict[str, str]) -> str:
    return row["name"]


ORDERINGS = {"name": by_name}


@action
async def rows() -> list[dict[str, str]]:
    return [{"name": "b"}, {"name": "a"}]


@workflow
class Held(Workflow):
    async def run(self, order: str) -> list[str]:
        listed = await rows()
        ordered = sorted(listed, key=ORDERINGS[order], reverse=order != "name")
        return list(map(ORDERINGS[order], ordered))
