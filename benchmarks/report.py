"""The report: a rich table for people, a JSON document for machines, one summary of misses.

Rendering only: the numbers arrive finished (`MetricResult`s with ratios); this module decides
how they read — median with its unit, the min-max range over repeated runs, the ratio to the
baseline measured in the same run, the target, and whether it was met.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from benchmarks.machine import describe
from benchmarks.results import MetricResult

_BASELINE_NAMES = {
    "ceiling.single": "single-row queue",
    "ceiling.batched": "batched queue",
    "ceiling.latency": "queue latency",
    "C1.cpython": "CPython",
    "C1.cpython_statements": "CPython",
    "C1.cpython_items": "CPython",
    "I1.cpython": "CPython",
    "L1.small": "the smaller gather",
    "W2.actions": "W2 untraced",
}


@dataclass(slots=True)
class Report:
    date: str
    mode: str
    machine: dict[str, Any]
    database: dict[str, str] | None
    settings: dict[str, Any]
    scale: dict[str, Any]
    results: list[MetricResult]
    errors: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    """Rows not measured and why (an optional peer missing): shown, never a failure."""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def missed(self) -> list[MetricResult]:
        return [r for r in self.results if r.met is False]

    def to_json(self) -> dict[str, Any]:
        return {
            "suite": "waymark-benchmarks",
            "format": 1,
            "date": self.date,
            "mode": self.mode,
            "machine": self.machine,
            "database": self.database,
            "settings": self.settings,
            "scale": self.scale,
            "metrics": [r.to_json() for r in self.results],
            "missed": [r.spec.key for r in self.missed],
            "errors": self.errors,
            "notes": self.notes,
            "details": self.details,
        }

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")


def number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(result: MetricResult) -> str:
    if result.ratio is None or result.spec.baseline is None:
        return ""
    name = _BASELINE_NAMES.get(result.spec.baseline, result.spec.baseline)
    paired = f", median of {len(result.paired)} pairs" if result.paired else ""
    return f"{result.ratio:.2f}x {name}{paired}"


def _status(result: MetricResult) -> str:
    met = result.met
    if met is None:
        return ""
    return "[green]met[/green]" if met else "[bold red]MISSED[/bold red]"


_COLUMNS = (
    ("workload", "left"),
    ("metric", "left"),
    ("median", "right"),
    ("min-max", "right"),
    ("unit", "left"),
    ("vs baseline", "right"),
    ("target", "right"),
    ("", "left"),
)


def table(report: Report) -> Table:
    title = f"Waymark benchmarks ({report.mode})"
    grid = Table(title=title, caption=caption_of(report), caption_justify="left")
    for name, justify in _COLUMNS:
        grid.add_column(name, justify=justify, no_wrap=name != "metric")  # type: ignore[arg-type]
    for result in report.results:
        grid.add_row(*_row(result))
    for workload, message in report.errors.items():
        first = message.splitlines()[0] if message else ""
        grid.add_row(workload, f"[bold red]error[/bold red] {escape(first[:120])}", *[""] * 6)
    for key, note in report.notes.items():
        grid.add_row(key, f"[dim]{escape(note)}[/dim]", *[""] * 6)
    return grid


def _row(result: MetricResult) -> tuple[str, ...]:
    target = str(result.spec.target) if result.spec.target is not None else ""
    spread = f"{number(result.low)}-{number(result.high)}"
    return (result.spec.workload, result.label, number(result.median), spread, result.spec.unit,
            _ratio(result), target, _status(result))  # fmt: skip


def markdown(report: Report) -> str:
    """The table as Markdown (for benchmarks/README.md), its caption first."""
    lines = [f"{caption_of(report)} · mode: {report.mode}", ""]
    lines.append("| workload | metric | median | min-max | unit | vs baseline | target | |")
    lines.append("|---|---|--:|--:|---|--:|--:|---|")
    for result in report.results:
        cells = list(_row(result))
        cells[-1] = {True: "met", False: "**MISSED**", None: ""}[result.met]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    for workload, message in report.errors.items():
        first = message.splitlines()[0] if message else ""
        lines.append(f"| {workload} | error: {first} | | | | | | |")
    for key, note in report.notes.items():
        lines.append(f"| {key} | {note} | | | | | | |")
    return "\n".join(lines) + "\n"


def caption_of(report: Report) -> str:
    database = report.database
    where = "no database"
    if database is not None:
        where = f"PostgreSQL {database['server_version']} ({database['source']})"
    settings = report.settings
    runner = ""
    if "worker_count" in settings:
        runner = (f"; start-workers: {settings['worker_count']} workers x "
                  f"{settings['concurrent_per_worker']} concurrent")  # fmt: skip
    return f"{report.date} · {describe(report.machine)} · {where}{runner}"


def summary(report: Report) -> str:
    lines = []
    for result in report.missed:
        lines.append(f"missed: {result.spec.workload} {result.label}: {number(result.median)} "
                     f"{result.spec.unit}{_against(result)}")  # fmt: skip
    for workload, message in report.errors.items():
        lines.append(f"error: {workload}: {message}")
    targets = sum(1 for r in report.results if r.met is not None)
    if report.missed:
        lines.append(f"{len(report.missed)} of {targets} targets missed")
    elif targets:
        lines.append(f"all {targets} targets met")
    return "\n".join(lines)


def _against(result: MetricResult) -> str:
    """The miss in the target's terms: the ratio for a relative target, else the unit."""
    target = result.spec.target
    if target is not None and target.relative and result.ratio is not None:
        return f" ({_ratio(result)}), target {target}"
    return f", target {target} {result.spec.unit}"


def show(report: Report, console: Console) -> None:
    console.print(table(report))
    text = summary(report)
    if text:
        style = "bold red" if report.missed or report.errors else "bold green"
        console.print(text, style=style, highlight=False, markup=False)
