"""A/B assignment for a marketing experiment: users are bucketed by a stable hash of the
experiment salt and user id into weighted variants, overrides and holdouts applied, exposure
events logged in batches, and the split reported with percentages and a chi-square check."""

from __future__ import annotations

import bisect
import hashlib
import math
import statistics
from collections import Counter
from itertools import accumulate
from typing import NamedTuple

from waymark import Workflow, action, workflow

BUCKETS = 10_000


class Variant(NamedTuple):
    name: str
    weight: int


class Assignment(NamedTuple):
    user: str
    variant: str
    bucket: int
    reason: str = "hash"


@action
async def load_experiment(key: str) -> dict[str, object]:
    if key == "paused":
        return {"salt": "p", "variants": [], "holdout": 0.0, "overrides": {}}
    return {
        "salt": f"{key}-v2",
        "variants": [["control", 50], ["blue", 30], ["green", 20]],
        "holdout": 0.1,
        "overrides": {"u-qa": "green"},
    }


@action
async def log_exposures(rows: list[tuple[str, str]]) -> int:
    return len(rows)


def bucket_of(salt: str, user: str) -> int:
    digest = hashlib.md5(f"{salt}:{user}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big") % BUCKETS


def choose(variants: list[Variant], bucket: int) -> str:
    bounds = list(accumulate(v.weight for v in variants))
    scaled = bucket * bounds[-1] // BUCKETS
    return variants[bisect.bisect_right(bounds, scaled)].name


def chi_square(observed: Counter[str], variants: list[Variant]) -> float:
    total = sum(observed[v.name] for v in variants)
    weight = sum(v.weight for v in variants)
    return math.fsum(
        (observed[v.name] - total * v.weight / weight) ** 2 / (total * v.weight / weight)
        for v in variants
    )


@workflow
class AssignVariants(Workflow):
    async def run(self, experiment: str, users: int = 200, batch: int = 64) -> dict[str, object]:
        config = await load_experiment(experiment)
        variants = [Variant(*row) for row in config["variants"]]
        if not variants:
            return {"experiment": experiment, "status": "paused"}
        holdout_cut = int(BUCKETS * config["holdout"])
        assignments: list[Assignment] = []
        for n in range(users):
            user = f"u-{n:04d}" if n else "u-qa"
            if user in config["overrides"]:
                assignments.append(Assignment(user, config["overrides"][user], -1, "override"))
                continue
            b = bucket_of(config["salt"], user)
            if b < holdout_cut:
                assignments.append(Assignment(user, "holdout", b, "holdout"))
            else:
                assignments.append(Assignment(user, choose(variants, b), b))
        logged = 0
        exposed = [(a.user, a.variant) for a in assignments if a.reason != "holdout"]
        for start in range(0, len(exposed), batch):
            logged += await log_exposures(exposed[start : start + batch])
        counts = Counter(a.variant for a in assignments)
        split = {name: f"{count / users:6.1%}" for name, count in sorted(counts.items())}
        hashed = [a.bucket for a in assignments if a.reason == "hash"]
        return {
            "experiment": experiment,
            "split": split,
            "logged": logged,
            "chi2": round(chi_square(counts, variants), 3),
            "median_bucket": statistics.median(hashed),
            "spread": round(statistics.pstdev(hashed), 2),
            "first": assignments[:3],
            "reasons": dict(Counter(a.reason for a in assignments).most_common()),
        }


INPUTS = {
    "AssignVariants": [
        {"experiment": "checkout-color"},
        {"experiment": "paused"},
        {"experiment": "onboarding", "users": 37, "batch": 10},
    ]
}
