"""Multi-currency ledger close: postings in several currencies are converted at the day's
rates with Decimal, each currency quantized to its own minor unit, a fee is split across
accounts with the remainder cents allocated largest-first, and the books must balance."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from waymark import Workflow, action, workflow

MINOR = {
    "EUR": Decimal("0.01"),
    "JPY": Decimal("1"),
    "KWD": Decimal("0.001"),
    "USD": Decimal("0.01"),
}


class Unbalanced(Exception):
    def __init__(self, currency: str, diff: Decimal) -> None:
        super().__init__(f"{currency} off by {diff}")
        self.diff = diff


@action
async def rates(day: str) -> dict[str, str]:
    return {"EUR": "1", "USD": "0.9214", "JPY": "0.006187", "KWD": "2.9963"}


@action
async def postings(batch: str) -> list[tuple[str, str, str]]:
    data = {
        "a": [
            ("cash", "USD", "1049.995"),
            ("cash", "JPY", "150000"),
            ("revenue", "EUR", "-966.67"),
            ("revenue", "JPY", "-150000"),
            ("fx", "KWD", "12.3455"),
        ],
        "bad": [("cash", "EUR", "12,50")],
        "skew": [("cash", "EUR", "10.00"), ("revenue", "EUR", "-9.99")],
    }
    return data[batch]


def to_minor(amount: Decimal, currency: str, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    return amount.quantize(MINOR[currency], rounding=rounding)


def split(total: Decimal, weights: dict[str, int], unit: Decimal) -> dict[str, Decimal]:
    whole = sum(weights.values())
    shares = {
        k: (total * w / whole).quantize(unit, rounding=ROUND_DOWN) for k, w in weights.items()
    }
    left = int((total - sum(shares.values())) / unit)
    order = sorted(weights, key=lambda k: (-(total * weights[k] / whole - shares[k]), k))
    for k in order[:left]:
        shares[k] += unit
    return shares


@workflow
class CloseBooks(Workflow):
    async def run(self, batch: str, fee: str = "10.00", strict: bool = True) -> dict[str, object]:
        table = {c: Decimal(r) for c, r in (await rates("2024-05-31")).items()}
        by_account: defaultdict[str, Decimal] = defaultdict(Decimal)
        native: dict[str, Decimal] = {}
        for account, currency, raw in await postings(batch):
            try:
                amount = Decimal(raw)
            except InvalidOperation:
                return {"error": f"bad amount {raw!r} on {account}"}
            native[currency] = native.get(currency, Decimal(0)) + to_minor(amount, currency)
            by_account[account] += to_minor(amount * table[currency], "EUR", ROUND_HALF_UP)
        imbalance = sum(by_account.values(), Decimal("0.00"))
        if strict and abs(imbalance) > Decimal("0.05") * len(by_account):
            raise Unbalanced("EUR", imbalance)
        fees = split(Decimal(fee), {"cash": 3, "revenue": 2, "fx": 2}, MINOR["EUR"])
        return {
            "accounts": {k: str(v) for k, v in sorted(by_account.items())},
            "native": {k: f"{v:,}" for k, v in sorted(native.items())},
            "imbalance": str(imbalance),
            "fees": {k: str(v) for k, v in fees.items()},
            "fee_total": str(sum(fees.values())),
            "pct": f"{imbalance / Decimal(fee):.3%}" if Decimal(fee) else "n/a",
            "sign": [str(v.copy_sign(Decimal(1))) for v in by_account.values()][:2],
            "scaled": str((imbalance * 100).to_integral_value(rounding=ROUND_HALF_EVEN)),
        }


INPUTS = {
    "CloseBooks": [
        {"batch": "a", "strict": False},
        {"batch": "a", "fee": "0.05", "strict": False},
        {"batch": "a"},
        {"batch": "bad"},
        {"batch": "skew", "fee": "1"},
        {"batch": "skew", "fee": "0"},
    ]
}
