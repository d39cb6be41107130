"""The real-world corpus: production-shaped workflows (billing, notifications, scraping,
approvals, provisioning sagas, ETL, agent tool loops, onboarding, reports), each a module of
this package. Plain data: `tests.parity.cases` turns each row into a `ParityCase`
(`inputs=None` takes them from the module's `INPUTS[workflow]`)."""

from __future__ import annotations

from datetime import time
from typing import Any

CorpusRow = tuple[str, str, tuple[dict[str, Any], ...] | None, bool]

CORPUS: tuple[CorpusRow, ...] = (
    # focused cases for what the corpus showed
    (
        "shadowed_comprehensions",
        "ShadowedComprehensions",
        ({"xs": [3, 1, 2]}, {"xs": []}),
        True,
    ),
    (
        "bound_dunders",
        "BoundDunders",
        ({"days": 9, "skus": ["a", "c", "a", "b"]}, {"days": 0, "skus": ["a", "z", "c"]}),
        True,
    ),
    (
        "moment_constants",
        "MomentConstants",
        ({"offset": 0}, {"offset": 299, "at": time(23, 0)}, {"offset": -1, "at": time(9)}),
        True,
    ),
)
