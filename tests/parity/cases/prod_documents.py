"""Document processing: fan out OCR and classification per document with per-item error
capture, route each document by its class with `match`, and build a review report."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any, NamedTuple

from waymark import RetryPolicy, Workflow, action, workflow


class DocKind(Enum):
    INVOICE = auto()
    CONTRACT = auto()
    RECEIPT = auto()
    UNKNOWN = auto()


class OcrFailed(Exception):
    def __init__(self, doc_id: str, page: int) -> None:
        super().__init__(doc_id, page)
        self.doc_id = doc_id
        self.page = page

    def __str__(self) -> str:
        return f"OCR failed on {self.doc_id} page {self.page}"


class Extracted(NamedTuple):
    doc_id: str
    text: str
    pages: int


@dataclass(order=True)
class Finding:
    severity: int
    doc_id: str
    message: str = field(compare=False)


DOCS = {
    "d1": "INVOICE #1001 total: 1,250.00 EUR due 2024-04-30",
    "d2": "This CONTRACT between ACME and Foo, term 24 months",
    "d3": "",
    "d4": "receipt total: 12.40 USD",
    "d5": "lorem ipsum",
}


@action
async def ocr(doc_id: str) -> Extracted:
    text = DOCS.get(doc_id)
    if text is None:
        raise KeyError(doc_id)
    if not text:
        raise OcrFailed(doc_id, 1)
    return Extracted(doc_id, text, pages=text.count(" ") // 4 + 1)


@action
async def classify(text: str) -> DocKind:
    lowered = text.lower()
    for kind in DocKind:
        if kind.name.lower() in lowered:
            return kind
    return DocKind.UNKNOWN


AMOUNT = re.compile(r"total:\s*(?P<amount>[\d,]+\.\d{2})\s*(?P<currency>[A-Z]{3})")


def parse_amount(text: str) -> tuple[float, str] | None:
    if (m := AMOUNT.search(text)) is None:
        return None
    return float(m.group("amount").replace(",", "")), m["currency"]


@workflow
class ProcessInbox(Workflow):
    async def run(self, doc_ids: list[str], threshold: float = 1000.0) -> dict[str, Any]:
        extracted = await asyncio.gather(
            *(
                self.run_action(ocr(d), retry=RetryPolicy(attempts=2, exception_types=[OcrFailed]))
                for d in doc_ids
            ),
            return_exceptions=True,
        )
        ok = [e for e in extracted if isinstance(e, Extracted)]
        failures = {
            d: f"{type(e).__name__}: {e}"
            for d, e in zip(doc_ids, extracted, strict=True)
            if isinstance(e, Exception)
        }
        kinds = await asyncio.gather(*[classify(e.text) for e in ok])
        findings: list[Finding] = []
        routed: dict[str, list[str]] = {k.name: [] for k in DocKind}
        for doc, kind in zip(ok, kinds, strict=True):
            routed[kind.name].append(doc.doc_id)
            match kind:
                case DocKind.INVOICE | DocKind.RECEIPT:
                    parsed = parse_amount(doc.text)
                    if parsed is None:
                        findings.append(Finding(2, doc.doc_id, "no amount found"))
                        continue
                    amount, currency = parsed
                    if amount >= threshold:
                        findings.append(
                            Finding(1, doc.doc_id, f"large {currency} amount {amount:>12,.2f}")
                        )
                case DocKind.CONTRACT:
                    if m := re.search(r"term (\d+) months", doc.text):
                        months = int(m.group(1))
                        findings.append(
                            Finding(3, doc.doc_id, f"term {months // 12}y{months % 12}m")
                        )
                case _:
                    findings.append(Finding(2, doc.doc_id, "unclassified"))
        for doc_id, error in failures.items():
            findings.append(Finding(0, doc_id, error))
        findings.sort()
        lines = [f"[{f.severity}] {f.doc_id:<4}| {f.message}" for f in findings]
        return {
            "routed": {k: v for k, v in routed.items() if v},
            "report": "\n".join(lines),
            "pages": sum(e.pages for e in ok),
            "worst": min(findings).doc_id if findings else None,
            "failed": sorted(failures),
        }
