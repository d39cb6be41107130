"""Customer CSV import: rows are parsed, validated against a model (errors collected per
row, not raised), normalised, grouped by country, checked for duplicate emails, and written
in batches; a report lists the most common problems."""

from __future__ import annotations

import csv
import io
from collections import Counter
from itertools import chain, groupby, islice

from pydantic import BaseModel, Field, ValidationError, field_validator

from waymark import Workflow, action, workflow


class Customer(BaseModel):
    email: str
    name: str = Field(min_length=2)
    country: str = Field(min_length=2, max_length=2)
    seats: int = Field(ge=1, le=500)

    @field_validator("email")
    @classmethod
    def email_shape(cls, value: str) -> str:
        value = value.strip().lower()
        if "@" not in value or value.startswith("@"):
            raise ValueError("not an email address")
        return value


class DuplicateRow(Exception):
    def __init__(self, email: str, first: int) -> None:
        super().__init__(email, first)
        self.email = email
        self.first = first


class StoreFull(Exception):
    pass


@action
async def download(name: str) -> str:
    files = {
        "good.csv": "email,name,country,seats\nA@x.io,Ada,GB,3\nbob@y.io,Bob,US,1\ncy@z.io,Cy,GB,12\n",
        "mixed.csv": (
            "email,name,country,seats\n"
            "ann@x.io,Ann,DE,2\n"
            "broken,Bo,DE,1\n"
            "cat@x.io,C,FRA,0\n"
            "ANN@x.io,Ann B,DE,4\n"
            "dan@x.io,Dan,US,many\n"
            "eve@x.io,Eve,US,7\n"
            "@x.io,Q,,600\n"
        ),
        "empty.csv": "email,name,country,seats\n",
    }
    return files[name]


@action
async def store(batch: list[Customer]) -> int:
    if any(c.seats > 100 for c in batch):
        raise StoreFull(f"batch of {len(batch)} exceeds licence")
    return len(batch)


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def batches(items: list[Customer], size: int) -> list[list[Customer]]:
    it = iter(items)
    out = []
    while chunk := list(islice(it, size)):
        out.append(chunk)
    return out


@workflow
class ImportCustomers(Workflow):
    async def run(self, file: str, batch_size: int = 2) -> dict[str, object]:
        rows = parse(await download(file))
        accepted: list[Customer] = []
        errors: dict[int, list[str]] = {}
        seen: dict[str, int] = {}
        for line, row in enumerate(rows, start=2):
            try:
                customer = Customer.model_validate(row)
                if customer.email in seen:
                    raise DuplicateRow(customer.email, seen[customer.email])
            except ValidationError as error:
                for problem in error.errors():
                    where = ".".join(str(part) for part in problem["loc"])
                    errors.setdefault(line, []).append(f"{where}: {problem['type']}")
                continue
            except DuplicateRow as dup:
                errors.setdefault(line, []).append(f"duplicate of line {dup.first}: {dup.email}")
                continue
            seen[customer.email] = line
            accepted.append(customer)
        stored = 0
        failed: list[str] = []
        for batch in batches(accepted, batch_size):
            try:
                stored += await store(batch)
            except StoreFull as error:
                failed.append(str(error))
        by_country = {
            country: [c.email for c in group]
            for country, group in groupby(
                sorted(accepted, key=lambda c: c.country), key=lambda c: c.country
            )
        }
        kinds = Counter(message.split(": ")[1] for message in chain.from_iterable(errors.values()))
        return {
            "rows": len(rows),
            "stored": stored,
            "failed": failed,
            "errors": errors,
            "by_country": by_country,
            "top_problems": kinds.most_common(2),
            "seats": sum(c.seats for c in accepted),
        }


INPUTS = {
    "ImportCustomers": [
        {"file": "good.csv"},
        {"file": "mixed.csv"},
        {"file": "mixed.csv", "batch_size": 1},
        {"file": "empty.csv"},
        {"file": "missing.csv"},
    ]
}
