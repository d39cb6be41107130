"""Inbound document processing: uploaded files classified by extension and content, text
extracted per kind, invoice fields pulled out with regular expressions, amounts normalised,
summaries wrapped for an email, and unreadable documents quarantined with the reason."""

from __future__ import annotations

import asyncio
import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from waymark import Workflow, action, workflow

INVOICE_NO = re.compile(r"Invoice\s+(?:No\.?|#)\s*(?P<number>[A-Z]{2,4}-\d+)", re.IGNORECASE)
AMOUNT = re.compile(r"Total(?: due)?:\s*(?P<currency>EUR|USD|€|\$)\s?(?P<value>[\d.,]+)")
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SYMBOLS = {"€": "EUR", "$": "USD"}


class Unreadable(Exception):
    pass


@dataclass
class Document:
    path: str
    kind: str = "unknown"
    fields: dict[str, str] = field(default_factory=dict)
    summary: str = ""


@action
async def read_text(path: str) -> str:
    texts = {
        "in/acme-invoice.pdf": "ACME GmbH\nInvoice No. ACM-2041\nIssued 2024-04-30\n"
        "Widgets x 40\nTotal due: € 1.234,50\nThank you for your business.",
        "in/scan.PNG": "INVOICE # ZZ-7  2024-05-02  Total: $99.95 (paid)",
        "in/notes.txt": "Meeting notes:   discussed   renewal of the support contract "
        "for the next year and the price increase of ten percent across the board.",
        "in/broken.pdf": "",
    }
    return texts.get(path, "")


def parse_amount(raw: str) -> Decimal:
    if re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}", raw):
        raw = raw.replace(".", "").replace(",", ".")
    return Decimal(raw.replace(",", ""))


def file_name(path: str) -> str:
    return path.rpartition("/")[2]


def classify(path: str, text: str) -> str:
    stem, dot, extension = file_name(path).rpartition(".")
    suffix = f".{extension.lower()}" if dot and stem else ""
    match suffix, bool(INVOICE_NO.search(text)):
        case ((".pdf" | ".png" | ".jpg"), True):
            return "invoice"
        case ".txt", _:
            return "note"
        case _, False if text:
            return "other"
        case _:
            raise Unreadable(f"{file_name(path)}: nothing to read")


def extract(doc: Document, text: str) -> None:
    if m := INVOICE_NO.search(text):
        doc.fields["number"] = m["number"].upper()
    if m := AMOUNT.search(text):
        currency = SYMBOLS.get(m.group("currency"), m.group("currency"))
        doc.fields["total"] = f"{currency} {parse_amount(m.group('value')):.2f}"
    if dates := DATE.findall(text):
        year, month, day = dates[0]
        doc.fields["date"] = f"{day}.{month}.{year}"


@workflow
class ProcessUploads(Workflow):
    async def run(self, paths: list[str], width: int = 40) -> dict[str, object]:
        texts = await asyncio.gather(*[read_text(p) for p in paths])
        done: list[Document] = []
        quarantined: dict[str, str] = {}
        for path, text in zip(paths, texts, strict=True):
            doc = Document(path)
            try:
                doc.kind = classify(path, text)
            except Unreadable as error:
                quarantined[path] = str(error)
                continue
            if doc.kind == "invoice":
                extract(doc, text)
            clean = " ".join(text.split())
            doc.summary = textwrap.shorten(clean, width=width, placeholder=" …")
            done.append(doc)
        email = "\n\n".join(
            textwrap.indent(textwrap.fill(f"{d.kind.title()}: {d.summary}", width=width), "> ")
            for d in done
        )
        return {
            "docs": [(d.path, d.kind, d.fields) for d in done],
            "quarantined": quarantined,
            "email": email,
            "kinds": sorted({d.kind for d in done}),
        }


INPUTS = {
    "ProcessUploads": [
        {"paths": ["in/acme-invoice.pdf", "in/scan.PNG", "in/notes.txt", "in/broken.pdf"]},
        {"paths": ["in/notes.txt"], "width": 25},
        {"paths": []},
    ]
}
