"""A `key=` picked at run time: a local variable that holds a function of the module (or a
helper), chosen by a conditional, or an item of a table of them; a value that is not a
function raises CPython's `TypeError` at the first item (and an empty list needs no key)."""

from __future__ import annotations

from waymark import Workflow, action, workflow


def by_price(row: dict[str, object]) -> tuple[object, object]:
    return row["price"], row["name"]


def by_name(row: dict[str, object]) -> object:
    return row["name"]


ORDERINGS = {"price": by_price, "name": by_name}


@action
async def products() -> list[dict[str, object]]:
    return [
        {"name": "mug", "price": 8},
        {"name": "cap", "price": 12},
        {"name": "pen", "price": 8},
    ]


@workflow
class PickedKeys(Workflow):
    def rank(self, row: dict[str, object]) -> int:
        return -len(str(row["name"]))

    async def run(self, order: str, newest: bool = False) -> dict[str, object]:
        rows = await products()
        key = by_price if order == "price" else by_name
        chosen = ORDERINGS.get(order, by_name)
        helper = self.rank
        try:
            broken = sorted(rows, key=order)
        except TypeError as error:
            broken = [str(error)]
        return {
            "sorted": [r["name"] for r in sorted(rows, key=key, reverse=newest)],
            "table": [r["name"] for r in sorted(rows, key=ORDERINGS[order])],
            "chosen": min(rows, key=chosen)["name"],
            "inline": max(rows, key=by_name if newest else by_price)["name"],
            "helper": [r["name"] for r in sorted(rows, key=helper)],
            "empty": sorted([], key=order),
            "broken": broken,
        }
