"""Plain-text invoices for a print shop: a letter template is dedented and filled with
str.format (nested format specs for column widths), line items laid out with ljust/rjust and
%-formatting, amounts in words, long notes wrapped and indented, and the document checked
for width before it is mailed."""

from __future__ import annotations

import textwrap
from decimal import ROUND_HALF_UP, Decimal

from waymark import Workflow, action, workflow

LETTER = textwrap.dedent(
    """\
    {company:^{width}}
    {rule}
    Invoice {number:>08} for {customer!s}
    Date: {date:%d %B %Y}
    """
)
ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@action
async def order_lines(order: str) -> list[dict[str, str]]:
    return [
        {"item": "Business cards (matte, 400gsm)", "qty": "500", "unit": "0.089"},
        {"item": "Flyer A5", "qty": "1200", "unit": "0.0415"},
        {"item": "Poster A1 — gloss", "qty": "3", "unit": "14.50"},
    ][: 1 + len(order) % 3]


@action
async def mail(to: str, body: str) -> int:
    return len(body.splitlines())


def words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, rest = divmod(n, 10)
        return TENS[tens] + (f"-{ONES[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{ONES[hundreds]} hundred" + (f" and {words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{words(thousands)} thousand" + (f" {words(rest)}" if rest else "")


@workflow
class RenderInvoice(Workflow):
    async def run(
        self, order: str, customer: str, when: object, note: str = "", width: int = 52
    ) -> dict[str, object]:
        lines = await order_lines(order)
        head = LETTER.format(
            company="PRINT & CO.",
            width=width,
            rule="=" * width,
            number=order,
            customer=customer,
            date=when,
        )
        rows = []
        total = Decimal(0)
        for line in lines:
            amount = (Decimal(line["qty"]) * Decimal(line["unit"])).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
            total += amount
            label = line["item"] if len(line["item"]) <= 24 else line["item"][:23] + "…"
            counts = "%6d x %8.4f" % (int(line["qty"]), float(line["unit"]))  # noqa: UP031
            rows.append(label.ljust(24) + counts + str(amount).rjust(width - 42))
        euros, cents = divmod(int(total * 100), 100)
        in_words = f"{words(euros).capitalize()} euros and {cents:02d} cents"
        notes = textwrap.indent(textwrap.fill(note, width=width - 4), "  > ") if note else ""
        body = "\n".join(
            filter(
                None,
                [
                    head.rstrip(),
                    *rows,
                    "-" * width,
                    f"{'TOTAL':<{width - 12}}{total:>12,.2f}",
                    in_words,
                    notes,
                ],
            )
        )
        too_wide = [i for i, text in enumerate(body.splitlines(), 1) if len(text) > width]
        sent = (
            await mail(customer.lower().replace(" ", ".") + "@mail.example", body)
            if not too_wide
            else 0
        )
        return {"body": body, "too_wide": too_wide, "sent": sent, "words": in_words}


INPUTS = {
    "RenderInvoice": [
        {
            "order": "A17",
            "customer": "Dana Scully",
            "when": __import__("datetime").date(2024, 2, 29),
            "note": "Thank you for your business. Payment is due within thirty days; late payments accrue two percent interest per month, compounded, as per our terms.",
        },
        {"order": "B2", "customer": "Fox", "when": __import__("datetime").date(2023, 11, 5)},
        {
            "order": "C",
            "customer": "W",
            "when": __import__("datetime").date(2023, 1, 1),
            "width": 40,
        },
    ]
}
