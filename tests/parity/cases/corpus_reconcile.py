"""Bank reconciliation: statement lines parsed with a verbose regex and strptime, matched to
open invoices by reference or amount, leftovers classified with match, and a summary with
%-formatting, format_map and an idempotency key."""

from __future__ import annotations

import hashlib
import json
import re
from collections import ChainMap
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from pydantic import BaseModel

from waymark import Workflow, action, workflow

LINE = re.compile(
    r"""
    ^(?P<day>\d{2}/\d{2}/\d{4})\s+       # booking date
    (?P<kind>CR|DR)\s+                   # credit or debit
    (?P<amount>-?[\d,]+\.\d{2})\s+       # amount
    (?P<memo>.*?)\s*$                    # free text
    """,
    re.VERBOSE,
)
REFERENCE = re.compile(r"\bINV[-\s]?(\d{4,6})\b", re.I)
DEFAULTS = {
    "tolerance": "0.50",
    "currency": "EUR",
    "template": "{matched}/{total} matched, {left} left",
}


class Invoice(BaseModel):
    number: str
    customer: str
    amount: Decimal


@dataclass
class StatementLine:
    booked: datetime
    credit: bool
    amount: Decimal
    memo: str

    @property
    def reference(self) -> str | None:
        found = REFERENCE.search(self.memo)
        return f"INV-{int(found.group(1)):06d}" if found else None


class ParseError(ValueError):
    pass


@action
async def download_statement(account: str) -> str:
    return "\n".join(
        [
            "01/03/2024 CR 1,250.00 Payment inv 1001 ACME",
            "02/03/2024 CR 99.50 globex inv-1002",
            "03/03/2024 DR 12.00 Bank fee March",
            "04/03/2024 CR 400.00 Transfer from Initech",
            "05/03/2024 XX 1.00 garbage",
            "31/02/2024 CR 5.00 impossible date",
            "06/03/2024 CR 75.25 INV 1009 unknown",
        ]
    )


@action
async def open_invoices(account: str) -> list[Invoice]:
    return [
        Invoice(number="INV-001001", customer="ACME", amount=Decimal("1250.00")),
        Invoice(number="INV-001002", customer="Globex", amount=Decimal("100.00")),
        Invoice(number="INV-001003", customer="Initech", amount=Decimal("400.00")),
        Invoice(number="INV-001004", customer="Umbrella", amount=Decimal("63.10")),
    ]


@action
async def post_matches(key: str, payload: str) -> int:
    return len(json.loads(payload))


def parse(text: str) -> tuple[list[StatementLine], list[str]]:
    lines, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            if (m := LINE.match(raw)) is None:
                raise ParseError(f"line {number}: unrecognised {raw[:20]!r}")
            try:
                booked = datetime.strptime(m["day"], "%d/%m/%Y")
            except ValueError as error:
                raise ParseError(f"line {number}: {error}") from error
        except ParseError as error:
            errors.append(str(error))
            continue
        amount = Decimal(m["amount"].replace(",", ""))
        lines.append(StatementLine(booked, m["kind"] == "CR", amount, m["memo"]))
    return lines, errors


@workflow
class Reconcile(Workflow):
    async def run(self, account: str, overrides: dict[str, str] | None = None) -> dict[str, Any]:
        settings = ChainMap(overrides or {}, DEFAULTS)
        tolerance = Decimal(settings["tolerance"])
        lines, errors = parse(await download_statement(account))
        invoices = {inv.number: inv for inv in await open_invoices(account)}
        matched: list[tuple[str, str, str]] = []
        leftovers: list[str] = []
        for line in lines:
            match line:
                case StatementLine(credit=False, memo=memo):
                    leftovers.append("fee: %s (%.2f)" % (memo, line.amount))  # noqa: UP031
                case StatementLine(reference=str(ref)) if ref in invoices:
                    invoice = invoices.pop(ref)
                    delta = line.amount - invoice.amount
                    status = (
                        "exact"
                        if not delta
                        else ("close" if abs(delta) <= tolerance else "partial")
                    )
                    matched.append((ref, status, f"{delta:+.2f}"))
                case StatementLine(amount=amount):
                    same = [n for n, inv in invoices.items() if inv.amount == amount]
                    if len(same) == 1:
                        matched.append((invoices.pop(same[0]).number, "by-amount", "+0.00"))
                    else:
                        leftovers.append(
                            f"{line.reference or 'no ref'}: {amount!s} on {line.booked:%d %b}"
                        )
        pairs = [f"{a[0]}<->{b}" for a, b in zip_longest(matched, sorted(invoices), fillvalue="-")]
        payload = json.dumps([list(m) for m in matched], separators=(",", ":"))
        key = hashlib.sha256(f"{account}:{payload}".encode()).hexdigest()[:16]
        posted = await post_matches(key, payload)
        summary = settings["template"].format_map(
            {"matched": len(matched), "total": len(lines), "left": len(leftovers)}
        )
        return {
            "matched": matched,
            "unpaid": {n: f"{i.amount:.2f} {settings['currency']}" for n, i in invoices.items()},
            "leftovers": leftovers,
            "errors": errors,
            "pairs": pairs,
            "posted": posted,
            "key": key,
            "summary": summary,
        }
