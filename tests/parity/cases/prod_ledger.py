"""A ledger import: CSV exports parsed with `csv` over `io.StringIO`, rows typed by a small
exception hierarchy, balances per account with `Decimal` quantized to cents, and a ranked
summary built with `heapq`, `bisect`, `itertools` and `operator`."""

from __future__ import annotations

import bisect
import csv
import dataclasses
import heapq
import io
import itertools
import json
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from waymark import Workflow, action, workflow

EXPORTS: dict[str, str] = {
    "bank-a": (
        "date,account,amount,memo\n"
        "2024-03-01,acme,120.50,invoice 1001\n"
        "2024-03-01,globex,-40.00,refund\n"
        "2024-03-02,acme,19.999,rounding\n"
        "2024-03-02,initech,abc,bad amount\n"
        '2024-03-03,globex,"1,200.00","wire, incoming"\n'
        "2024-03-03,,5.00,no account\n"
    ),
    "bank-b": (
        "date;account;amount;memo\n2024-03-04;acme;-20.25;fee\n2024-03-05;umbrella;310;opening\n"
    ),
}

BUCKETS = [0, 50, 100, 500, 1000]
BUCKET_NAMES = ["tiny", "small", "medium", "large", "huge", "whale"]


class LedgerError(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class MissingField(LedgerError):
    pass


class BadAmount(LedgerError):
    pass


@dataclass(frozen=True)
class Entry:
    day: str
    account: str
    amount: Decimal
    memo: str


@dataclass
class Summary:
    entries: int = 0
    rejected: list[str] = field(default_factory=list)
    balances: dict[str, str] = field(default_factory=dict)


@action
async def download_export(source: str) -> str:
    return EXPORTS[source]


@action
async def store_summary(payload: str) -> int:
    return len(payload)


def sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=header.count)


def parse_amount(raw: str, line: int) -> Decimal:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation as error:
        raise BadAmount(line, f"not a number: {raw!r}") from error
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_row(row: dict[str, str], line: int) -> Entry:
    if not (account := row.get("account", "").strip()):
        raise MissingField(line, "account")
    return Entry(row["date"], account, parse_amount(row["amount"], line), row["memo"])


def bucket_of(amount: Decimal) -> str:
    return BUCKET_NAMES[bisect.bisect_right(BUCKETS, abs(amount))]


@workflow
class ImportLedger(Workflow):
    async def run(self, sources: list[str], top: int = 2) -> dict[str, Any]:
        summary = Summary()
        entries: list[Entry] = []
        for source in sources:
            text = await download_export(source)
            reader = csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text))
            for line, row in enumerate(reader, start=2):
                try:
                    entry = parse_row(row, line)
                except MissingField as error:
                    summary.rejected.append(f"{source}:{error.line} missing {error.reason}")
                except LedgerError as error:
                    summary.rejected.append(f"{source}: {error}")
                else:
                    entries.append(entry)
                finally:
                    summary.entries += 1
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for entry in entries:
            totals[entry.account] += entry.amount
        summary.balances = {k: f"{v:>10,.2f}" for k, v in sorted(totals.items())}
        biggest = heapq.nlargest(top, entries, key=operator.attrgetter("amount"))
        by_day = {
            day: [e.account for e in group]
            for day, group in itertools.groupby(
                sorted(entries, key=operator.attrgetter("day")), key=operator.attrgetter("day")
            )
        }
        buckets = Counter(bucket_of(e.amount) for e in entries)
        pairs = [
            f"{a.account}->{b.account}"
            for a, b in itertools.pairwise(entries)
            if a.account != b.account
        ]
        first_three = list(itertools.islice(itertools.chain.from_iterable(by_day.values()), 3))
        out = {
            "summary": dataclasses.asdict(summary),
            "biggest": [(e.account, str(e.amount)) for e in biggest],
            "by_day": by_day,
            "buckets": sorted(buckets.items(), key=operator.itemgetter(1, 0), reverse=True),
            "pairs": pairs,
            "first_three": first_three,
            "net": str(sum((e.amount for e in entries), Decimal(0))),
            "timeline": list(
                heapq.merge(
                    sorted(str(e.amount) for e in entries if e.amount < 0),
                    sorted(str(e.amount) for e in entries if e.amount >= 0),
                    reverse=False,
                )
            ),
        }
        out["stored"] = await store_summary(json.dumps(out, default=str, sort_keys=True))
        return out


@action
async def post_row(account: str, cents: int) -> str:
    if account == "frozen":
        raise PermissionError(f"account {account} is frozen")
    return f"{account}:{cents}"


PAYOUTS: dict[str, str] = {
    "ok": "account,cents\nacme,100\nglobex,250\n",
    "frozen": "account,cents\nacme,100\nfrozen,5\nglobex,250\n",
    "quoted": 'account,cents\nacme,100\n"glob"ex,7\nlast,1\n',
    "short": "account,cents\nacme\n",
}


@workflow
class PostPayouts(Workflow):
    async def run(self, batch: str, strict: bool = False) -> dict[str, Any]:
        text = await download_export("bank-b") if batch == "bank-b" else PAYOUTS[batch]
        reader = csv.reader(text.splitlines(), strict=strict)
        header = next(reader)
        posted: list[str] = []
        failures: dict[str, str] = {}
        try:
            for account, *rest in reader:
                if not rest:
                    failures[account] = "no amount"
                    continue
                try:
                    posted.append(await post_row(account, int(rest[0])))
                except PermissionError as error:
                    failures[account] = str(error)
        except csv.Error as error:
            failures["$csv"] = f"{type(error).__name__}: {error}"
        left = list(reader)
        kind = type(reader).__name__
        return {
            "header": header,
            "posted": posted,
            "failures": failures,
            "left": left,
            "kind": kind,
        }


@action
async def lookup_rate(currency: str) -> Decimal:
    rates = {"EUR": Decimal("1.0850"), "GBP": Decimal("1.2710")}
    if currency not in rates:
        raise KeyError(currency)
    return rates[currency]


@workflow
class ConvertStatement(Workflow):
    """Reads a statement row by row, awaiting a rate per row, with the reader held across."""

    async def run(self, text: str, restval: str = "0") -> dict[str, Any]:
        rows = csv.DictReader(io.StringIO(text), restkey="extra", restval=restval)
        converted: list[str] = []
        problems: list[tuple[int, str]] = []
        columns = rows.fieldnames
        for row in rows:
            try:
                rate = await lookup_rate(row["currency"])
            except KeyError as error:
                problems.append((rows.line_num, f"unknown currency {error}"))
                continue
            usd = (Decimal(row["amount"]) * rate).quantize(Decimal("0.01"))
            converted.append(f"{row['id']:<4}{usd:>9}{'*' if 'extra' in row else ''}")
        return {
            "columns": columns,
            "converted": converted,
            "problems": problems,
            "lines": rows.line_num,
            "blank": [k for k, v in row.items() if v == restval] if converted else [],
        }


@action
async def upload_report(name: str, body: str) -> str:
    if not body.strip():
        raise ValueError(f"{name}: empty report")
    return f"{name}:{len(body.splitlines())} lines"


@workflow
class ExportBalances(Workflow):
    """Builds a CSV report row by row across awaits, with both writers over one buffer."""

    async def run(self, sources: list[str], extras: str = "ignore") -> dict[str, Any]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(["source", "rows", "first memo"])
        summary = io.StringIO(newline="")
        fields = ["source", "total"]
        named = csv.DictWriter(summary, fieldnames=fields, extrasaction=extras, lineterminator="\n")
        named.writeheader()
        for source in sources:
            text = await download_export(source)
            rows = list(csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text)))
            writer.writerow([source, len(rows), rows[0]["memo"] if rows else None])
            total = sum(
                float(r["amount"])
                for r in rows
                if r["amount"].lstrip("-").replace(".", "", 1).isdigit()
            )
            try:
                named.writerow({"source": source, "total": f"{total:.2f}", "note": "x"})
            except ValueError as error:
                buffer.write(f"# {error}\r\n")
        writer.writerows([["end", 0, 'said "bye"']])
        receipt = await upload_report("balances", buffer.getvalue())
        return {"report": buffer.getvalue(), "summary": summary.getvalue(), "receipt": receipt}
