"""Measured samples and what the suite derives from them: median, range, ratio, target met.

A workload returns a `Measured` (samples per metric key, plus raw details for the JSON); the
suite turns each key into a `MetricResult` once every workload has run, so ratios use the
ceiling of the same run. No measuring and no printing here.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from benchmarks.spec import MetricSpec


@dataclass(slots=True)
class Measured:
    """What one workload produced: samples (one per repeated run) and JSON-shaped details."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    specs: list[MetricSpec] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    paired: dict[str, list[float]] = field(default_factory=dict)
    """Per metric, the ratios of samples taken side by side with one of its baseline's."""
    notes: dict[str, str] = field(default_factory=dict)
    """Rows not measured, and why (an optional peer not installed): not an error."""

    def add(self, key: str, value: float) -> None:
        self.samples.setdefault(key, []).append(value)

    def add_pair(self, key: str, value: float, baseline: str, baseline_value: float) -> None:
        """A sample of `key` and one of its `baseline`, measured back to back: load that moves
        during a run moves both alike, so their ratio is steadier than either number."""
        self.add(key, value)
        self.add(baseline, baseline_value)
        self.paired.setdefault(key, []).append(value / baseline_value)


@dataclass(slots=True)
class MetricResult:
    spec: MetricSpec
    label: str
    samples: list[float]
    paired: list[float] = field(default_factory=list)
    """Ratios of pairs (`Measured.add_pair`): when there are any, `ratio` is their median."""
    ratio: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def met(self) -> bool | None:
        target = self.spec.target
        if target is None:
            return None
        if target.relative:
            return None if self.ratio is None else target.met(self.ratio)
        return target.met(self.median)

    def to_json(self) -> dict[str, Any]:
        target = self.spec.target
        return {
            "key": self.spec.key,
            "workload": self.spec.workload,
            "label": self.label,
            "unit": self.spec.unit,
            "higher_is_better": self.spec.higher_is_better,
            "samples": self.samples,
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "baseline": self.spec.baseline,
            "ratio": self.ratio,
            "paired_ratios": self.paired or None,
            "target": None if target is None else {"op": target.op, "value": target.value},
            "met": self.met,
        }


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def with_ratios(results: list[MetricResult]) -> list[MetricResult]:
    """Fill each result's ratio: the median of its paired ratios when it was measured in pairs
    with its baseline, else its median over its baseline's median, when both exist."""
    medians = {r.spec.key: r.median for r in results}
    for result in results:
        base = medians.get(result.spec.baseline or "")
        if result.paired:
            result.ratio = statistics.median(result.paired)
        elif base:
            result.ratio = result.median / base
    return results
