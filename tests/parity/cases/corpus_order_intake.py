"""B2B order intake: raw order payloads from a partner feed validated into pydantic models
(field validators, a model validator across fields, constrained numbers), rejected rows
reported with pydantic's own error locations, and accepted orders priced and submitted."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from waymark import Workflow, action, workflow

Quantity = Annotated[int, Field(gt=0, le=500)]
CATALOGUE = {"BOLT-M6": Decimal("0.12"), "NUT-M6": Decimal("0.05"), "PLATE-A4": Decimal("7.90")}


class OrderLine(BaseModel):
    sku: str
    quantity: Quantity

    @field_validator("sku")
    @classmethod
    def known_sku(cls, value: str) -> str:
        sku = value.strip().upper()
        if sku not in CATALOGUE:
            raise ValueError(f"unknown sku {sku!r}")
        return sku


class PartnerOrder(BaseModel):
    partner: str = Field(min_length=2)
    reference: str
    incoterm: Literal["EXW", "FCA", "DAP"] = "EXW"
    lines: list[OrderLine] = Field(min_length=1)
    rush: bool = False

    @model_validator(mode="after")
    def rush_needs_dap(self) -> PartnerOrder:
        if self.rush and self.incoterm != "DAP":
            raise ValueError("rush orders ship DAP")
        return self

    @property
    def total(self) -> Decimal:
        return sum((CATALOGUE[line.sku] * line.quantity for line in self.lines), Decimal("0"))


@action
async def read_feed(partner: str) -> list[dict[str, object]]:
    return [
        {"partner": partner, "reference": "A1", "lines": [{"sku": " bolt-m6", "quantity": 400}]},
        {"partner": partner, "reference": "A2", "lines": []},
        {
            "partner": partner,
            "reference": "A3",
            "incoterm": "CIF",
            "lines": [{"sku": "NUT-M6", "quantity": "12"}],
        },
        {
            "partner": partner,
            "reference": "A4",
            "rush": True,
            "lines": [{"sku": "PLATE-A4", "quantity": 2}],
        },
        {"partner": partner, "reference": "A5", "lines": [{"sku": "WASHER", "quantity": 0}]},
        {
            "partner": partner,
            "reference": "A6",
            "incoterm": "DAP",
            "rush": "yes",
            "lines": [{"sku": "plate-a4", "quantity": "3"}, {"sku": "nut-m6", "quantity": 100}],
        },
        {"reference": "A7", "lines": [{"sku": "NUT-M6", "quantity": 1}]},
    ]


@action
async def submit(order: PartnerOrder) -> str:
    return f"SO-{order.reference}-{len(order.lines)}"


def describe(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in item['loc']) or '<order>'}: {item['type']}"
        for item in error.errors()
    ]


@workflow
class IntakePartnerOrders(Workflow):
    async def run(self, partner: str, credit_limit: str = "100.00") -> dict[str, object]:
        accepted: list[str] = []
        rejected: dict[str, list[str]] = {}
        remaining = Decimal(credit_limit)
        for raw in await read_feed(partner):
            reference = str(raw.get("reference", "?"))
            try:
                order = PartnerOrder.model_validate(raw)
            except ValidationError as error:
                rejected[reference] = describe(error)
                continue
            if order.total > remaining:
                rejected[reference] = [f"over credit: {order.total} > {remaining}"]
                continue
            remaining -= order.total
            accepted.append(await submit(order))
        return {
            "accepted": accepted,
            "rejected": rejected,
            "credit_left": remaining,
            "error_count": sum(len(v) for v in rejected.values()),
        }
