"""The real-world corpus: production-shaped workflows (billing, notifications, scraping,
approvals, provisioning sagas, ETL, agent tool loops, onboarding, reports), each a module of
this package. Plain data: `tests.parity.cases` turns each row into a `ParityCase`
(`inputs=None` takes them from the module's `INPUTS[workflow]`)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

CorpusRow = tuple[str, str, tuple[dict[str, Any], ...] | None, bool]

CORPUS: tuple[CorpusRow, ...] = (
    ("corpus_billing", "MonthlyInvoice", None, True),
    ("corpus_notifications", "SendDigest", None, True),
    (
        "corpus_scraper",
        "ScrapePrices",
        ({"start": "https://shop.example/"}, {"start": "https://shop.example/", "budget": 2}),
        True,
    ),
    ("corpus_approvals", "ApproveExpense", None, False),
    (
        "corpus_provisioning",
        "ProvisionTenant",
        (
            {"name": "Acme Rockets, Inc."},
            {"name": "flaky widgets"},
            {"name": "Big Data", "tier": "dedicated"},
            {"name": "legal-taken", "tier": "free"},
            {"name": "!!"},
        ),
        True,
    ),
    ("corpus_metrics", "SensorEtl", ({}, {"page_size": 30, "z_limit": 1.0}), True),
    (
        "corpus_agent",
        "SupportAgent",
        (
            {"question": "Where is order A-100?"},
            {"question": "My order A-200 never came"},
            {"question": "I have no order number", "budget": 10},
            {"question": "B-999 status?", "max_steps": 2},
        ),
        True,
    ),
    ("corpus_onboarding", "OnboardHires", None, True),
    (
        "corpus_reports",
        "WeeklySalesReport",
        (
            {"regions": ["emea", "apac", "mars", "na"], "start": date(2024, 12, 23)},
            {"regions": ["mars"], "start": date(2024, 3, 4)},
        ),
        True,
    ),
    (
        "corpus_inventory",
        "AllocateOrder",
        (
            {"lines": {"apple": 70, "pear": 20, "plum": 1}, "destination": "north"},
            {"lines": {"apple": 15}, "destination": "east", "strategy": "nearest"},
        ),
        True,
    ),
    (
        "corpus_reconcile",
        "Reconcile",
        (
            {"account": "DE01"},
            {"account": "DE02", "overrides": {"tolerance": "0", "currency": "USD"}},
        ),
        True,
    ),
    ("corpus_summaries", "SummariseDocument", None, True),
    (
        "corpus_rollout",
        "RolloutFlag",
        (
            {"flag": "new-checkout", "users": ["u1", "u2", "u3", "u4"]},
            {"flag": "search-risky", "users": ["u1", "u2"]},
            {"flag": "dark-mode", "users": [], "p95_limit": 100.0},
        ),
        True,
    ),
    ("corpus_fulfillment", "FulfilOrder", None, True),
    # focused cases for what the corpus showed
    (
        "shadowed_comprehensions",
        "ShadowedComprehensions",
        ({"xs": [3, 1, 2]}, {"xs": []}),
        True,
    ),
    (
        "constant_objects",
        "ConstantObjects",
        ({"customer": "a"}, {"customer": "b", "region": "us", "plan": "pro"}, {"customer": "c"}),
        True,
    ),
    (
        "derived_constants",
        "DerivedConstants",
        ({"order": "o1"}, {"order": "", "level": "high"}, {"order": "x", "level": "?"}),
        True,
    ),
    (
        "enum_methods",
        "EnumMethods",
        (
            {"ticket": "db-down", "given": " Closed "},
            {"ticket": "slow", "count": 1, "given": "open"},
            {"ticket": "typo"},
        ),
        True,
    ),
    ("cached_helpers", "CachedHelpers", ({"n": 12}, {"n": 0}), True),
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
