"""`dataclasses.fields` of a dataclass instance (an action's result) and of the class itself,
held across awaits: each field's `name`, `type` (the annotation, a string as this module
postpones annotations), `default`, `init`, `metadata`; equality of fields (one field
is itself); Python's `TypeError` for what is not a dataclass; beside `asdict`, `astuple` and
`replace` of the same value."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields

from waymark import Workflow, action, workflow


@dataclass
class Shipment:
    sku: str
    quantity: int = 1
    notes: list[str] = field(default_factory=list, metadata={"doc": "free text"})
    checked: bool = field(default=False, init=False)


@action
async def load_shipment(sku: str) -> Shipment:
    return Shipment(sku, 3, ["fragile"])


@workflow
class FieldNames(Workflow):
    async def run(self, sku: str) -> list[object]:
        shipment = await load_shipment(sku)
        held = fields(shipment)
        await load_shipment("again")
        return [
            [f.name for f in held],
            [f.type for f in dataclasses.fields(Shipment)],
            [f.name for f in held if f.init],
            held[1].default,
            held[3].default,
            dict(held[2].metadata),
            held[0] == fields(Shipment)[0],
            held[0] == held[1],
            {f.name: getattr(shipment, f.name) for f in held},
            dataclasses.asdict(shipment),
            dataclasses.astuple(shipment),
            dataclasses.replace(shipment, quantity=9),
        ]


@workflow
class FieldsOfOther(Workflow):
    async def run(self, value: object) -> str:
        try:
            return str(fields(value))  # type: ignore[arg-type]
        except TypeError as error:
            return f"TypeError: {error}"
