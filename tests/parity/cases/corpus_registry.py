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
    (
        "corpus_payments",
        "CheckoutPayment",
        (
            {"order_id": "o-1", "total": "120.50", "gift_card": "GC-100"},
            {"order_id": "o-2", "total": "40", "card": "card-flaky-mc"},
            {"order_id": "o-3", "total": "80.00", "gift_card": "GC-100", "card": "card-stolen"},
            {"order_id": "o-4", "total": "10", "gift_card": "GC-BIG", "skus": ("a", "oos-b")},
            {"order_id": "o-5", "total": "0", "gift_card": "GC-EMPTY"},
        ),
        True,
    ),
    (
        "corpus_flag_hashing",
        "EvaluateRollout",
        ({"key": "checkout-v2"}, {"key": "eu-only", "segment": "eu"}, {"key": "everyone"}),
        True,
    ),
    (
        "corpus_release_notes",
        "ReleaseNotes",
        ({"repo": "billing-api", "version": "2.4.0"}, {"repo": "empty", "version": ""}),
        True,
    ),
    (
        "corpus_sla_windows",
        "SlaReport",
        (
            {"start": date(2024, 12, 16)},
            {"start": date(2025, 1, 27), "days": 35, "as_of": "2025-03-10T09:30"},
        ),
        True,
    ),
    (
        "corpus_order_intake",
        "IntakePartnerOrders",
        ({"partner": "acme"}, {"partner": "x", "credit_limit": "60"}),
        True,
    ),
    ("corpus_batch_scoring", "ScoreChurn", ({}, {"page_size": 3}, {"page_size": 0}), True),
    (
        "corpus_polite_crawler",
        "CheckLinks",
        (
            {"start": "https://docs.example/guide"},
            {"start": "https://docs.example/a/b", "concurrency": 5},
        ),
        False,
    ),
    (
        "corpus_ticket_lifecycle",
        "TicketLifecycle",
        ({"ticket_id": "T-1"}, {"ticket_id": "T-2-bad"}),
        True,
    ),
    (
        "corpus_stock_holds",
        "QuoteHolds",
        (
            {
                "lines": [("saffron", "300", "g", "4200.00"), ("flour", "30", "kg", "0.89")],
                "discount": "10.00",
                "quote_hours": 48,
            },
            {
                "lines": [
                    ("saffron", "1", "kg", "4200"),
                    ("rope", "250", "m", "1.20"),
                    ("flour", "x", "kg", "1"),
                ]
            },
            {"lines": [("sugar", "12.3456", "kg", "1.333")], "discount": "0.05"},
            {"lines": [("saffron", "120", "g", "3999.99")], "discount": "1", "quote_hours": 0.0005},
            {"lines": [("sugar", "1", "kg", "1")], "discount": "ten"},
        ),
        True,
    ),
    (
        "corpus_access_logs",
        "RollupAccessLog",
        ({"host": "web-1"}, {"host": "web-2", "hour": "2025-02-01T00"}),
        True,
    ),
    ("corpus_etl_batches", "ImportOrders", None, True),
    ("corpus_webhook_fanout", "FanOutWebhook", None, True),
    ("corpus_data_sync", "SyncContacts", None, True),
    ("corpus_feature_pipeline", "ChurnFeatures", None, True),
    ("corpus_document_processing", "ProcessUploads", None, True),
    ("corpus_billing_run", "BillingRun", None, True),
    ("corpus_approval_chain", "ApprovePurchase", None, True),
    ("corpus_inventory_counts", "ReconcileCounts", None, True),
    ("corpus_report_builder", "OpsReport", None, True),
    ("corpus_renewals", "RenewContracts", None, True),
    ("corpus_shipment_tracking", "TrackShipments", None, True),
    ("corpus_payouts", "SellerPayouts", None, True),
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
        "folded_tables",
        "FoldedTables",
        ({"item": "a"}, {"item": "b", "country": "Spain", "n": 3}, {"item": "z", "n": 8}),
        True,
    ),
    (
        "moment_constants",
        "MomentConstants",
        ({"offset": 0}, {"offset": 299, "at": time(23, 0)}, {"offset": -1, "at": time(9)}),
        True,
    ),
    ("folded_text", "FoldedText", ({"name": "Ada"}, {"name": "Grace Hopper", "amount": 11}), True),
    (
        "held_functions",
        "HeldFunctions",
        ({"xs": [], "name": "far"}, {"xs": [3, 1, 2], "name": "near"}, {"xs": [2], "name": "far"}),
        True,
    ),
    (
        "picked_keys",
        "PickedKeys",
        ({"order": "price"}, {"order": "name", "newest": True}, {"order": "name"}),
        True,
    ),
    (
        "seeded_random",
        "SeededRandom",
        (
            {"batch": "B-17"},
            {"batch": "B-18", "count": 7, "share": 0.5},
            {"batch": "x", "count": 0},
        ),
        True,
    ),
    # production-shaped workflows in further domains (inputs from each module's `INPUTS`)
    ("corpus_tool_calls", "ToolLoop", None, True),
    ("corpus_chunking", "IngestDocuments", None, True),
    ("corpus_reservation_saga", "PlaceOrder", None, True),
    ("corpus_experiments", "AssignVariants", None, True),
    ("corpus_payroll_report", "PayrollReport", None, True),
    ("corpus_fraud_scoring", "ScorePayments", None, True),
    ("corpus_signup_validation", "ImportSignups", None, True),
    ("corpus_ticket_router", "TriageInbox", None, True),
    ("corpus_cursor_export", "ExportContacts", None, True),
    ("corpus_digest_groups", "DailyDigest", None, True),
    ("corpus_batched_sends", "BroadcastSms", None, True),
    ("corpus_invoice_text", "RenderInvoice", None, True),
    ("corpus_latency_stats", "LatencyReview", None, True),
    ("corpus_shipping_quotes", "QuoteShipping", None, True),
    ("corpus_flag_rules", "EvaluateFlag", None, True),
    ("corpus_rag_answer", "AnswerQuestion", None, True),
    ("corpus_row_import", "ImportCustomers", None, True),
    ("corpus_api_sync", "SyncContacts", None, True),
    ("corpus_order_machine", "OrderLifecycle", None, True),
    ("corpus_cron_planner", "PlanRuns", None, True),
    ("corpus_fx_ledger", "CloseBooks", None, True),
    ("corpus_build_graph", "PlanBuild", None, True),
    ("corpus_sales_rollup", "SalesRollup", None, True),
    ("corpus_push_campaign", "PushCampaign", None, True),
    ("corpus_pricing_engine", "PriceQuote", None, True),
    (
        "standard_defaults",
        "StandardDefaults",
        ({"amount": "2.345"}, {"amount": "-0.005", "text": "AB"}),
        True,
    ),
    ("task_shared_objects", "TaskSharedObjects", ({}, {"n": 0}), True),
    (
        "static_on_instances",
        "StaticOnInstances",
        ({"value": 4}, {"value": -3}, {"value": 30}),
        True,
    ),
    ("task_shared_objects", "GatheredSharedObjects", ({}, {"n": 0}), True),
)
