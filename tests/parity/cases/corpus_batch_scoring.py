"""Nightly churn scoring: feature rows fetched in pages, standardised with the training
set's means and deviations, scored by a logistic model, calibrated into risk bands, and the
drift of each feature against training reported (population stability index)."""

from __future__ import annotations

import asyncio
import math
import statistics
from dataclasses import dataclass

from waymark import Workflow, action, workflow

FEATURES = ("tenure_months", "tickets_90d", "seats", "logins_30d")
WEIGHTS = {"tenure_months": -0.04, "tickets_90d": 0.35, "seats": -0.01, "logins_30d": -0.08}
BIAS = 0.6
TRAINING = {
    "tenure_months": (18.0, 9.5),
    "tickets_90d": (2.1, 1.8),
    "seats": (24.0, 30.0),
    "logins_30d": (11.0, 7.0),
}
BANDS = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))


@dataclass(frozen=True)
class Scored:
    account: str
    probability: float
    band: str


@action
async def feature_page(model: str, page: int, size: int) -> list[dict[str, float]]:
    if page >= 3:
        return []
    rows = []
    for i in range(page * size, page * size + size):
        rows.append(
            {
                "account": float(1000 + i),
                "tenure_months": float((i * 7) % 40),
                "tickets_90d": float((i * 3) % 7),
                "seats": float(5 + (i * 13) % 90),
                "logins_30d": float((i * 11) % 25),
            }
        )
    return rows


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def band_of(probability: float) -> str:
    return next(name for floor, name in BANDS if probability >= floor)


def bin_shares(values: list[float], cuts: list[float]) -> list[float]:
    counts = [0] * (len(cuts) + 1)
    for value in values:
        counts[sum(value > cut for cut in cuts)] += 1
    return [max(c / len(values), 1e-4) for c in counts]


def psi(expected: list[float], actual: list[float], bins: int = 4) -> float:
    cuts = statistics.quantiles(expected, n=bins)
    pairs = zip(bin_shares(expected, cuts), bin_shares(actual, cuts), strict=True)
    return math.fsum((a - e) * math.log(a / e) for e, a in pairs)


@workflow
class ScoreChurn(Workflow):
    async def run(self, model: str = "churn-v3", page_size: int = 8) -> dict[str, object]:
        pages = await asyncio.gather(*(feature_page(model, p, page_size) for p in range(4)))
        rows = [row for page in pages for row in page]
        scored: list[Scored] = []
        for row in rows:
            z = BIAS + math.fsum(
                WEIGHTS[f] * (row[f] - TRAINING[f][0]) / TRAINING[f][1] for f in FEATURES
            )
            p = sigmoid(z)
            scored.append(Scored(f"acct-{int(row['account'])}", round(p, 4), band_of(p)))
        probabilities = [s.probability for s in scored]
        reference = [TRAINING["tickets_90d"][0] + d * 0.25 for d in range(-8, 9)]
        return {
            "count": len(scored),
            "bands": {name: sum(s.band == name for s in scored) for _, name in BANDS},
            "top": [
                (s.account, s.probability) for s in sorted(scored, key=lambda s: -s.probability)[:3]
            ],
            "mean": round(statistics.fmean(probabilities), 6),
            "stdev": round(statistics.stdev(probabilities), 6) if len(scored) > 1 else 0.0,
            "median": statistics.median(probabilities),
            "psi_tickets": round(psi(reference, [r["tickets_90d"] for r in rows]), 5),
            "geometric": f"{statistics.geometric_mean(probabilities):.5e}",
            "entropy_bits": round(-math.fsum(p * math.log2(p) for p in probabilities if p > 0), 3),
        }
