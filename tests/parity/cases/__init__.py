"""The parity cases: every workflow here must end the same way on the durable runtime as its
`run()` body does as plain Python (the oracle). Plain data, so any backend can run the suite.

A case names a module of this package, a workflow class in it and the inputs to try (keyword
arguments of `run()`); `inputs=None` takes them from the module's `INPUTS[workflow]` (for inputs
that are models). A module may define `reset()`, called before every run (action counters).
`fast_sleep=False` marks workflows whose actions rely on real time (timeouts, completion order):
the oracle must not shorten `asyncio.sleep` for them. `prints=True` marks workflows that
`print(...)`: the lines of the instance's log must be the lines the oracle printed (such a
workflow writes no other log line).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

from tests.parity.cases.corpus_registry import CORPUS


@dataclass(frozen=True, slots=True)
class ParityCase:
    module: str
    workflow: str
    inputs: tuple[dict[str, Any], ...] | None = ({},)
    fast_sleep: bool = True
    prints: bool = False

    @property
    def id(self) -> str:
        return f"{self.module}.{self.workflow}"

    @property
    def module_name(self) -> str:
        return f"{__name__}.{self.module}"

    def load(self) -> ModuleType:
        return importlib.import_module(self.module_name)

    def workflow_class(self) -> Any:
        return getattr(self.load(), self.workflow)

    def all_inputs(self) -> tuple[dict[str, Any], ...]:
        if self.inputs is not None:
            return self.inputs
        return tuple(self.load().INPUTS[self.workflow])

    def input_count(self) -> int:
        """How many runs the case has (every item of `INPUTS[workflow]`). A module that does
        not import counts as one run, which then reports the error."""
        if self.inputs is not None:
            return len(self.inputs)
        try:
            return len(self.all_inputs())
        except Exception:
            return 1


_STRATEGY_INPUTS = [
    {"name": n, "dest": d} for n, d in [("fefo", "a"), ("nearest", "bb"), ("heavy", "c")]
]


def _case(
    module: str,
    workflow: str,
    *inputs: dict[str, Any],
    fast_sleep: bool = True,
    prints: bool = False,
) -> ParityCase:
    return ParityCase(module, workflow, inputs or ({},), fast_sleep, prints)


HELPER_ARGUMENT_CASES = (
    "module_many", "module_few", "module_keyword", "module_twice", "module_range",
    "module_keyword_only", "method_many", "method_few", "method_keyword", "static",
    "class_method", "inherited", "nested", "lambda", "async_helper", "fine",
)  # fmt: skip

CASES: tuple[ParityCase, ...] = (
    # basics
    _case("basics", "Sequential", {"x": 1}, {"x": -7}),
    _case("basics", "KeywordArguments", {"name": "ada"}, {"name": "bo", "greeting": "hey"}),
    _case("basics", "TupleUnpacking", {"a": 17, "b": 5}, {"a": 1, "b": 0}),
    _case("basics", "EarlyReturn", {"n": -1}, {"n": 3}, {"n": 9}),
    _case("basics", "DictResults", {"keys": ["a", "b", "c"]}, {"keys": []}),
    _case("basics", "DefaultArguments", {}, {"a": 10}, {"b": 1, "label": "total"}),
    _case("basics", "Logged", {"items": [1, 2, 3]}, {"items": []}),
    # control flow
    _case("control", "Branches", {"x": 0}, {"x": 2}, {"x": 5}, {"x": 11}),
    _case("control", "LoopAccumulator", {"items": [1, 2, 3, 4]}, {"items": []}),
    _case("control", "BreakContinue", {"limit": 50}, {"limit": 0}),
    _case("control", "WhileLoop", {"start": 6}, {"start": 1}, {"start": 27}),
    _case("control", "NestedLoops", {"rows": 3, "cols": 3}, {"rows": 0, "cols": 2}),
    _case(
        "control", "ReturnFromLoop", {"items": [1, 2, 3], "target": 4}, {"items": [5], "target": 1}
    ),
    _case("control", "ZipAndRange", {"names": ["a", "b", "c"], "scores": [1, 2, 3, 4]}),
    _case("control", "LoopOverAliasedList", {"seed": [1, 2, 5]}),
    # gather
    _case("gathers", "FixedGather", {"x": 2}),
    _case("gathers", "SpreadGather", {"items": [3, -1, 4, 0, 5]}),
    _case("gathers", "EmptySpread", {"items": []}, {"items": [1]}),
    _case("gathers", "GatherReturnExceptions", {"items": [1, 2, 3, 4, 6]}),
    _case("gathers", "GatherFailurePropagates", {"items": [1, 2, 4]}, {"items": [1, 3, 5]}),
    _case("gathers", "GatherFirstFailureByCompletion", fast_sleep=False),
    _case("gathers", "GatherUncaught", {"items": [1, 2]}, {"items": [2, 3]}),
    _case("gathers", "PrebuiltTasks", {"items": [1, -2, 3, 4]}, {"items": []}),
    _case("gathers", "KeyedTasks", {"items": [1, 2, -3, 3, 4]}, {"items": []}, {"items": [2, 2]}),
    _case("gathers", "AppendedTasks", {"items": [1, 0, 2, 5]}, {"items": [3]}, {"items": []}),
    _case("gathers", "MixedGather", {"names": ["x", "y"]}, {"names": []}),
    _case("gathers", "GatherInLoop", {"batches": [[1, 2], [], [3]]}),
    _case("gathers", "NestedSpread", {"rows": [[1, 0, 2], [], [3]]}),
    _case("gathers", "ReturnExceptionValues", {"items": [1, 3, 4, 6]}, {"items": []}),
    _case("gathers", "TryAroundGatherInLoop", {"batches": [[1, 2], [3, 4], [5], [], [7]]}),
    # gathered async helpers: a task each
    _case("gathered_helpers", "TwoHelpers", {"a": "ab", "b": "xyz"}),
    _case("gathered_helpers", "HelpersWithSleeps", {"delays": [2, 1, 3]}, {"delays": []}),
    _case("gathered_helpers", "HelperRaises", {"keys": ["a", "xb", "c"]}, {"keys": ["a", "b"]}),
    _case("gathered_helpers", "HelperRaisesUncaught", {"keys": ["a", "boom"]}, {"keys": ["a"]}),
    _case("gathered_helpers", "HelperReturnExceptions", {"keys": ["a", "xb", "c", "xd"]}),
    _case("gathered_helpers", "NestedHelpers", {"groups": [["a", "b"], [], ["c"]]}),
    _case("gathered_helpers", "MixedHelpersAndActions", {"keys": ["k", "lm"]}),
    _case("gathered_helpers", "SharedValueAcrossHelpers", {"keys": ["b", "a", "c"]}),
    _case("gathered_helpers", "HelperWithoutAwait", {"n": 4}),
    # the order a gather starts its items in
    _case("gather_order", "HelperAmongActions"),
    _case("gather_order", "SpreadOfSteps", {"xs": [1, 2, 3]}, {"xs": []}),
    _case("gather_order", "StepsAmongActions", {"xs": [1, 2, 3]}, {"xs": [4]}),
    _case("gather_order", "NestedGathers", {"xs": [1, 2]}, {"xs": [3]}),
    _case("gather_order", "YieldingHelpers"),
    _case("gather_order", "ReturnedExceptionsInOrder", {"xs": [1, 2, 3, 4]}, {"xs": []}),
    _case("gather_order", "GatherCorners", {"xs": [5, 6]}, {"xs": [0]}),
    _case("gather_order", "FirstFailureByCompletion", {"x": 1}, {"x": 4}),
    _case("gather_order", "ChangedBeforeItsTurn", {"n": 3}),
    _case("gather_order", "RaisingBeforeAwait"),
    # exceptions
    _case(
        "errors", "ExceptClauses", {"amount": 10}, {"amount": 500}, {"amount": -3}, {"amount": 0}
    ),
    _case(
        "errors",
        "RaiseFrom",
        {"case": "a"},
        {"case": "b"},
        {"case": "none"},
        {"case": "bad"},
        {"case": "class"},
    ),
    _case("errors", "HierarchyMatch", {"key": "a"}, {"key": "zz"}),
    _case("errors", "CatchAll", {"amount": 0}, {"amount": 5}),
    _case("errors", "RaiseAndReraise", {"amount": 1}, {"amount": 101}, {"amount": -1}),
    _case("errors", "PureCodeErrors", {"a": 3, "b": 0, "key": "y"}, {"a": 1, "b": 2, "key": "x"}),
    _case("errors", "UncaughtActionError", {"amount": 5}, {"amount": 1000}, {"amount": 0}),
    _case("errors", "UncaughtPureError", {"values": [1, 2]}, {"values": []}),
    _case("errors", "RaiseCustom", {"n": 1}, {"n": 6}, {"n": -2}),
    _case("errors", "FirstMatchWins", {"amount": 1}),
    _case("errors", "ErrorAfterHandler", {"amount": -1}, {"amount": 1}),
    _case("errors", "ExceptionAttributesFromGather", {"amounts": [5, 500, -1, 0]}),
    _case(
        "errors",
        "ArgsAssigned",
        {"key": "zz", "amount": 5},
        {"key": "a", "amount": 500},
        {"key": "b", "amount": 5},
    ),
    _case(
        "augmented",
        "AugmentedNames",
        {"base": 7, "other": "x"},
        {"base": 7, "other": None},
        {"base": 2.5, "other": [1]},
        {"base": "s", "other": 1.5},
    ),
    _case("augmented", "AugmentedTargets", {"other": "x"}, {"other": None}, {"other": 2}),
    # actions as values
    _case(
        "action_values",
        "ToolTable",
        {"name": "search", "args": {"query": "q", "limit": 3}},
        {"name": "fetch", "args": {"url": "u"}},
        {"name": "nope", "args": {}},
        {"name": "shout", "args": {"text": "a", "extra": 1}},
    ),
    _case(
        "action_values",
        "HandlerLookup",
        {"kind": "fetch", "text": "a"},
        {"kind": "page", "text": "b"},
    ),
    _case("action_values", "StepPipeline", {"data": "a, b ,c"}),
    _case("action_values", "GatheredChecks", {"texts": ["ab1", "a long text"]}),
    _case(
        "action_values", "PolicyOnValue", {"key": "k", "attempts": 3}, {"key": "k", "attempts": 2}
    ),
    _case("action_values", "NotAnAction", {"key": "number"}, {"key": "tool"}),
    _case("action_values", "AgentLoop", {"question": "waymark"}),
    _case("action_values", "PendingCalls", {"names": ["shout", "search", "fetch"]}, {"names": []}),
    _case("action_partials", "BoundArguments", {"value": 4}),
    _case("action_partials", "GatheredPartials", {"values": [1, 5]}),
    _case("action_partials", "PartialErrors", {"case": "number"}, {"case": "missing"}),
    _case(
        "compare_keys",
        "CompareKeys",
        {"numbers": [5, 3, 9, 4, 1, 7, 6], "words": ["bb", "a", "ccc", "ab", "b", "ba"]},
        {"numbers": [], "words": []},
    ),
    _case("compare_keys", "CompareErrors", {"items": [3, 1, 2]}, {"items": [1, "a"]}),
    _case(
        "compare_extremes",
        "PickRelease",
        {"service": "billing"},
        {"service": "search"},
        {"service": "legacy"},
        {"service": "broken"},
    ),
    _case("compare_extremes", "RequireRelease", {"service": "search"}, {"service": "legacy"}),
    _case("derived_partials", "ConfirmOrders", {"numbers": [7, 1234567]}, {"numbers": []}),
    _case(
        "exception_tables",
        "ChargeWithTriage",
        *({"kind": kind} for kind in ("ok", "slow", "reset", "bad", "quota", "key", "perm")),
    ),
    _case(
        "yield_values",
        "UsageBilling",
        {"account": "acme", "limit": 150},
        {"account": "acme", "limit": 10000},
        {"account": "tiny", "limit": 5},
        {"account": "solo", "limit": 0},
    ),
    _case("yield_values", "LineProtocol", {"lines": ["ab", "c", "de"]}, {"lines": []}),
    _case(
        "text_buffers",
        "BufferReads",
        {"text": "id,name\n1,ann\n2,bo\n"},
        {"text": "one line"},
        {"text": ""},
    ),
    _case("text_buffers", "ReaderDialects", {"text": "a;'b;c'\n1;2\n"}, {"text": ""}),
    _case("text_buffers", "ReaderBeforeItsLines", {"text": "a;b\n1;2\n"}, {"text": ""}),
    _case(
        "exception_notes",
        "Notes",
        {"rows": ["a", "b"], "bad": 3},
        {"rows": [], "bad": "fine"},
    ),
    _case("sent_values", "SentValues", {"amounts": [1, 2, 3]}, {"amounts": []}),
    _case("resumed_maps", "MapAfterError", {"values": [1, 2, 3, 4, 5]}, {"values": []}),
    _case(
        "module_values",
        "ModulePartials",
        {"value": 3, "rows": ["a", "b"]},
        {"value": 0, "rows": []},
    ),
    _case(
        "module_values",
        "ImportedTables",
        {"kind": "lines", "rows": ["a", "bb"]},
        {"kind": "other", "rows": []},
    ),
    _case("helper_partials", "PlainPartials", {"items": ["p", "q"]}, {"items": []}),
    _case("helper_partials", "MethodPartials", {"scores": [3, 1]}),
    _case(
        "helper_partials",
        "FunctionTables",
        {"kind": "lines", "rows": ["a", "bb"]},
        {"kind": "other", "rows": []},
    ),
    _case(
        "helper_partials",
        "FunctionValueErrors",
        {"case": "arguments"},
        {"case": "await"},
        {"case": "gather"},
        {"case": "not callable"},
    ),
    # retries
    _case("retries", "RetryUntilSuccess", {"failures": 0}, {"failures": 3}, {"failures": 4}),
    _case("retries", "RetryBudgetExhausted", {"failures": 1}, {"failures": 2}),
    _case("retries", "RetryOnlyNamedTypes"),
    _case("retries", "BareActionRunsOnce"),
    _case("retries", "RetryWithBackoff", {"failures": 3}),
    _case("retries", "RetryFixedBackoffUncaught"),
    _case("retries", "RetriesInsideGather", {"keys": ["k1", "k2"]}),
    # timeouts (real time: actions sleep past their deadline)
    _case("timeouts", "TimeoutCaught", fast_sleep=False),
    _case("timeouts", "TimeoutNotRetriedByDefault", fast_sleep=False),
    _case("timeouts", "TimeoutRetriedWhenNamed", fast_sleep=False),
    _case("timeouts", "OwnTimeoutErrorStays", fast_sleep=False),
    _case("timeouts", "TimeoutUncaught", fast_sleep=False),
    _case("timeouts", "WaitForCaught", fast_sleep=False),
    _case(
        "timeouts",
        "WaitForInTime",
        {"limit": 5},
        {"limit": 2.5},
        {"limit": None},
        {"limit": float("inf")},  # no deadline, as asyncio's timer for it never fires
        {"limit": float("nan")},
        fast_sleep=False,
    ),
    # Python 3.13's own event loop fails on a NaN timer (its selector cannot round the NaN
    # wait): the plain run gives no answer to compare with there; 3.11 and 3.12 time out.
    *(
        [
            _case(
                "timeouts",
                "WaitForNaN",
                {"limit": float("nan")},
                {"limit": -float("nan")},
                fast_sleep=False,
            )
        ]
        if sys.version_info < (3, 13)
        else []
    ),
    _case("timeouts", "RunActionNaN", {"limit": float("nan")}, fast_sleep=False),
    _case("timeouts", "WaitForGathered", fast_sleep=False),
    _case(
        "timeouts",
        "WaitForComputed",
        {"limit": 0},
        {"limit": -1.5},
        {"limit": "5"},
        {"limit": [1]},
        {"limit": 3},
        fast_sleep=False,
    ),
    _case("timeouts", "WaitForUncaught", fast_sleep=False),
    # `async with asyncio.timeout(...)` (real time: the timers pass during sleeps)
    _case("timeout_blocks", "TimeoutBlockExpires", fast_sleep=False),
    _case(
        "timeout_blocks",
        "TimeoutBlockInTime",
        {"limit": 1},
        {"limit": None},
        {"limit": float("inf")},
        fast_sleep=False,
    ),
    _case("timeout_blocks", "TimeoutBlockInLoop", fast_sleep=False),
    _case("timeout_blocks", "TimeoutBlockNested", fast_sleep=False),
    _case("timeout_blocks", "TimeoutBlockUncaught", fast_sleep=False),
    _case("timeout_blocks", "TimeoutBlockHelpers", fast_sleep=False),
    _case(
        "timeout_blocks", "TimeoutBlockBadDelay", {"limit": "5"}, {"limit": [1]}, fast_sleep=False
    ),
    # `async with asyncio.TaskGroup() as tg:` (real time: sleeps order the tasks)
    _case("task_groups", "TaskGroupResults", {"n": 0}, {"n": 4}, fast_sleep=False),
    _case("task_groups", "TaskGroupFailure", fast_sleep=False),
    _case("task_groups", "TaskGroupTwoFailures", fast_sleep=False),
    _case(
        "task_groups",
        "TaskGroupBodyRaises",
        {"fail_task": False},
        {"fail_task": True},
        fast_sleep=False,
    ),
    _case(
        "task_groups",
        "TaskGroupUnderTimeout",
        {"body_waits": True},
        {"body_waits": False},
        fast_sleep=False,
    ),
    _case("task_groups", "TaskGroupTimeoutInside", fast_sleep=False),
    _case("task_groups", "TaskGroupNested", {"fail": False}, {"fail": True}, fast_sleep=False),
    _case("task_groups", "TaskGroupUncaught", fast_sleep=False),
    _case("task_group_leaving", "TaskGroupOwnerCancelled", fast_sleep=False),
    _case(
        "task_group_leaving", "TaskGroupReturns", {"fail": False}, {"fail": True}, fast_sleep=False
    ),
    _case(
        "task_group_leaving",
        "TaskGroupLoopExits",
        {"fail_at": -1},
        {"fail_at": 1},
        {"fail_at": 3},
        fast_sleep=False,
    ),
    _case("task_group_leaving", "TimeoutBlockReturns", fast_sleep=False),
    _case(
        "task_group_leaving",
        "TaskGroupContext",
        *({"how": how} for how in ("", "raises", "waits", "handled")),
        fast_sleep=False,
    ),
    # sleeps
    _case("sleeps", "SleepBetweenActions", {"seconds": 0.02}, {"seconds": 3600}),
    _case("sleeps", "SleepInLoop", {"rounds": 3}),
    _case("sleeps", "LongSleep"),
    _case("sleeps", "ZeroAndNegativeSleep"),
    _case("sleeps", "NanSleep", {"seconds": float("nan")}),
    _case("cyclic_values", "CyclicRepr", {"label": "a"}),
    _case("cyclic_values", "CyclicEquality", {"label": "b"}),
    # models, dataclasses, enums, dates
    _case("agent_replies", "ParseReplies", {"script": "weather"}, {"script": "silent"}),
    _case(
        "epoch_times",
        "OverdueInvoices",
        {"customer": "c1", "zone": "America/New_York"},
        {"customer": "c1", "zone": "Asia/Kolkata"},
    ),
    _case(
        "idempotency_keys",
        "ChargeOnce",
        {"order_ids": ["a1", "b2", "a1"]},
        {"order_ids": ["z"], "namespace": "12345678-1234-5678-1234-567812345678"},
    ),
    _case(
        "crawler",
        "Crawl",
        {"start": "https://ex.test/"},
        {"start": "https://ex.test/", "max_pages": 1},
    ),
    _case(
        "trip_saga",
        "TripSaga",
        {"trip": "paris"},
        {"trip": "no-hotel"},
        {"trip": "no-car"},
        {"trip": "flaky"},
        {"trip": "no-flight"},
    ),
    _case("audit_payloads", "AuditTrail", {"day": date(2024, 5, 1), "customer_id": "c9"}),
    _case("tenant_configs", "TenantPipelines", {"tenants": {"acme": 200, "big": 9000}}),
    _case("tenant_configs", "CopiedErrors", {"tenant": "big"}, {"tenant": "acme"}),
    _case("commission_tiers", "Commissions", {"reps": ["ann", "bob", "cy"]}, {"reps": []}),
    _case("legacy_rows", "ImportRows", {"source": "shop"}, {"source": "empty"}),
    _case(
        "cleanup_jobs",
        "Cleanup",
        {"buckets": ["logs", "gone-1", "locked-2", "tmp"], "owners": {"logs": "ann"}},
        {"buckets": [], "owners": {}},
    ),
    _case("payload_kinds", "Classify", {"kinds": ["ok", "timeout", "upstream", "bug"]}),
    _case("log_scan", "ScanLogs", {"service": "api"}, {"service": "quiet"}),
    _case("value_classes", "NormaliseValues"),
    _case("value_classes", "MatchValues"),
    _case("models", "WelcomeUsers", {"user_ids": ["u1", "u2x", "u3"]}, {"user_ids": []}),
    _case("models", "ModelAttributes", {"user_id": "ada"}),
    _case("models", "BuildModels", {"city": "Paris"}),
    _case("models", "ModelMethods", {"user_ids": ["u1", "u2x"]}, {"user_ids": []}),
    _case("models", "DataclassRoundTrip", {"x": 2}),
    _case("models", "EnumValues", {"high": True}, {"high": False}),
    _case("models", "EnumIdentity", {"blocked": True}, {"blocked": False}),
    _case("models", "MixedEnumsAsData", {"text": "pro,free"}, {"text": "basic"}),
    _case("models", "EnumClasses", {"name": "PRO"}, {"name": "pro"}),
    _case("models", "ValidatedModels", {"count": 3}, {"count": 0}),
    _case("models", "EnumAliases", {"name": "CRIMSON"}, {"name": "BLUE"}),
    *(
        _case("models", "ValueProtocols", {"what": what})
        for what in ("values", "len", "index", "sort", "hash", "iterate")
    ),
    _case(
        "models",
        "DatesAcrossActions",
        {"day": date(2024, 2, 28), "when": datetime(2024, 1, 2, 3, 4), "hours": 30},
    ),
    _case(
        "models",
        "PureDates",
        {"day": date(2024, 2, 28), "when": datetime(2024, 1, 2, 3, 4, 5), "hours": 30},
        {"day": date(2023, 12, 31), "when": datetime(2024, 2, 29, 23, 59), "hours": -2},
    ),
    ParityCase("models", "ModelsAsInputs", None),
    _case("models", "ClassAttributes", {"n": 0}, {"n": 1}, {"n": 2}),
    _case("models", "FlagCombinations", {"user": "admin"}, {"user": "guest"}),
    _case("models", "EmptyFlags", {"user": "admin"}),
    _case("models", "EnumMembership", {"raw": 1}, {"raw": 7}, {"raw": "x"}),
    _case("models", "ValidationErrors", {"age": "many"}, {"age": 3}, {"age": None}),
    _case("models", "ClassAttributesRead", {"days": 2}),
    _case("models", "FlagClasses", {"name": "RW"}, {"name": "NONE"}),
    _case("models", "NamedTuplesFromActions", {"n": 3}, {"n": 0}),
    _case("models", "DataclassFunctions", {"n": 2}, {"n": 0}),
    # action arguments arrive uncoerced
    _case(
        "arguments",
        "UncoercedArguments",
        {"x": "1", "y": "2"},
        {"x": True, "y": 2.0},
        {"x": 2.5, "y": 1},
        {"x": [1], "y": [2]},
    ),
    _case("arguments", "BadArgumentRaisesAsInPython", {"x": "a"}, {"x": None}, {"x": 4}),
    _case("arguments", "ModelArgumentsRebuilt", {"sku": "s1"}),
    _case("arguments", "VariadicActions", {"bins": ["A1", "B2"]}, {"bins": []}),
    # values at the edge of what storage takes
    _case(
        "payloads",
        "OddStrings",
        {"text": "a\x00b\ud800"},
        {"text": "\ud83d\ude00 \U0001f600"},
        {"text": "plain"},
    ),
    _case("payloads", "BigInts", {"n": 5}, {"n": 2000, "offset": 7**6000}),
    _case(
        "payloads",
        "NumbersAsGiven",
        {"amount": 3, "counts": [1, 2.5], "flag": True, "price": 10},
        {"amount": 2.5, "counts": [], "flag": 0, "price": Decimal("1.50")},
    ),
    # pure expressions
    _case("expressions", "FStrings", {"value": 3.14159, "name": "ada"}, {"value": 0.5, "name": ""}),
    _case(
        "expressions",
        "FStringSpellings",
        {"value": 2.5, "name": "ada"},
        {"value": -1.0, "name": ""},
    ),
    _case("expressions", "Comprehensions", {"n": 6}, {"n": 0}),
    _case(
        "expressions",
        "ComplexResults",
        {"base": -8.0, "power": 1 / 3},
        {"base": 4.0, "power": 0.5},
        {"base": -1.0, "power": 0.5},
    ),
    _case("expressions", "GeneratorLaziness", {"n": 5}, {"n": 0}),
    _case("expressions", "SlicingAndIndexing", {"text": "the quick brown fox jumps"}),
    _case("expressions", "ChainedComparisons", {"a": 1, "b": 2, "c": 5}, {"a": 3, "b": 3, "c": 3}),
    _case("expressions", "AugmentedAssignment", {"n": 5}, {"n": 0}),
    _case("expressions", "BuiltinsAndMethods", {"text": "a banana and a pear"}),
    _case("expressions", "DictAndListMutation", {"keys": ["x", "y", "z"]}),
    _case(
        "expressions", "TernariesAndBooleans", {"values": [-2, 3]}, {"values": []}, {"values": [0]}
    ),
    _case("expressions", "StringMethods", {"text": "Hello wide World"}),
    _case("expressions", "MixedUnpacking", {"x": 2}, {"x": 0}),
    # await inside expressions
    _case("awaits", "AwaitInArithmetic", {"n": 3}, {"n": 0}),
    _case("awaits", "AwaitInConditions", {"n": 2}, {"n": -1}, {"n": -4}, {"n": -9}),
    _case("awaits", "NestedAwaits", {"key": "a"}),
    _case(
        "awaits",
        "ShortCircuits",
        *({"ok": ok, "x": x} for ok in (True, False) for x in (0, 1, -2)),
    ),
    _case("awaits", "ChainedComparisons", *({"n": n} for n in (-1, 0, 1, 2, 3, 4, 7))),
    _case("awaits", "EvaluationOrder", {"xs": [1, 2], "i": 1}, {"xs": [5], "i": 0}),
    _case("awaits", "ErrorBeforeAwait", {"xs": [1, 2], "i": 1}, {"xs": [], "i": 3}),
    _case("awaits", "AwaitsInTry", {"n": 2}, {"n": -3}, {"n": 0}),
    _case("awaits", "AwaitsInRaiseAndLoops", {"n": 0}, {"n": 4}),
    _case("awaits", "AwaitPolicyAndGather", {"n": 1}),
    _case("await_choices", "AwaitChoice", *({"n": n} for n in (-2, 0, 1, 4, 7))),
    _case("await_choices", "AwaitChoiceInExpressions", {"xs": [1, 2, 3]}, {"xs": []}),
    _case("await_choices", "AwaitChoiceFails", {"n": -1}, {"n": 2}),
    _case("await_choices", "AwaitChoiceInStatements", {"n": 5}, {"n": 0}),
    _case(
        "gather_choices",
        "GatherChoice",
        *({"n": n, "xs": xs} for n, xs in ((3, [2, 0, 1, 5]), (0, []), (-4, [0]), (200, [1]))),
    ),
    _case("gather_choices", "WrappedChoice", *({"n": n} for n in (-1, 0, 1, 2, 300))),
    _case("gather_choices", "GatherChoiceFails", *({"n": n} for n in (-1, 2, 500, 7))),
    _case("deferred_calls", "StoredCoroutine", {"n": 1}, {"n": 200}),
    _case("deferred_calls", "AwaitedTasks", {"xs": [1, 2]}, {"xs": []}, {"xs": [3, 300]}),
    _case("deferred_calls", "DeferredFails", {"n": 2}, {"n": 150}),
    _case("started_tasks", "JoinedLater", {"names": ["a", "b"]}, {"names": ["solo"]}),
    _case("started_tasks", "NeverJoined", {"n": 1}, {"n": 2}, fast_sleep=False),
    _case("started_tasks", "TaskErrors", {"names": ["x", "bad y"]}, {"names": ["x", "ok"]}),
    _case("started_tasks", "TaskEscapes", {"name": "fine"}, {"name": "bad z"}),
    _case("started_tasks", "TasksInLoop", {"xs": [1, 2, 3]}, {"xs": []}),
    _case("started_tasks", "SlowTask", {"seconds": 0.5}, fast_sleep=False),
    _case("started_tasks", "LateTask", {"key": "k"}),
    _case("task_api", "StartedBeforeRaise", {"n": 0}, {"n": 1}),
    _case("task_api", "LooseBeforeRaise", {"n": 0}, {"n": 2}),
    _case("task_api", "DeferredRaise", {"n": 0}, {"n": 1}),
    _case("task_api", "TaskStates", fast_sleep=False),
    _case("task_api", "CancelBeforeStart", {"n": 2}, {"n": 0}, fast_sleep=False),
    _case("task_api", "CancelSuspended", {"name": "s"}, fast_sleep=False),
    _case("task_api", "CancelCaught", fast_sleep=False),
    _case("task_api", "HandlesPassed", {"names": ["a", "b", "c"]}, {"names": ["a", "bad b"]}),
    _case("task_api", "NotHandlesPassed", {"n": 2}, {"n": 0}),
    _case("task_waits", "FirstCompleted", {"seconds": [0.3, 0.05, 0.2]}, fast_sleep=False),
    _case("task_waits", "FirstException", {"bad": True}, {"bad": False}, fast_sleep=False),
    _case("task_waits", "AllCompleted", {"names": ["a", "bad"]}, {"names": []}),
    _case("task_waits", "WaitTimeout", {"timeout": 0.2}, {"timeout": 5}, fast_sleep=False),
    _case("task_waits", "WaitOfValues", {"n": 1}),
    _case(
        "task_waits",
        "AsCompleted",
        {"seconds": [0.3, 0.05, 0.2]},
        {"seconds": []},
        fast_sleep=False,
    ),
    _case(
        "task_waits",
        "AsCompletedFailures",
        {"names": ["b", "a", "bad", "c"]},
        {"names": ["x", "y"]},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "DeadlineCaught",
        {"seconds": [0.2, 0.05, 1.0], "timeout": 0.6},
        {"seconds": [0.3, 0.05], "timeout": 5},
        {"seconds": [0.1], "timeout": None},
        {"seconds": [], "timeout": 0.1},
        {"seconds": [0.1, 0.2, 0.3, 2.0], "timeout": 1.0, "pause": 1.2},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "DeadlineRaises",
        {"seconds": [0.1, 0.05, 1.0], "timeout": 0.6},
        {"seconds": [0.2, 0.3], "timeout": 0.01},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "ZeroDeadline",
        {"quick": ["a"], "timeout": 0},
        {"quick": [], "timeout": -1},
        {"quick": ["a"], "timeout": float("nan")},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "DeadlineFailures",
        {"names": ["b", "bad", "c", "d"], "timeout": 0.75},
        {"names": ["bad", "a"], "timeout": 5},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "CallsOfActions",
        {"seconds": [0.3, 0.0, 0.15], "bad": False},
        {"seconds": [], "bad": True},
        fast_sleep=False,
    ),
    _case(
        "completion_deadlines",
        "CallsOfHelpers",
        {"seconds": [0.2, 0.05, 1.0], "timeout": 0.6},
        {"seconds": [0.2, 0.1], "timeout": None},
        fast_sleep=False,
    ),
    _case("completion_deadlines", "CompletedOfValues", {"timeout": None}, {"timeout": 1.0}),
    _case(
        "completion_deadlines",
        "DeadlineOfValues",
        {"timeout": "soon", "count": 2},
        {"timeout": "soon", "count": 0},
        {"timeout": float("inf"), "count": 1},
    ),
    _case(
        "task_timing",
        "SleepsByIndex",
        {"names": ["b", "a", "bad", "c"], "join": 2},
        {"names": ["b", "a", "bad", "c"], "join": 3},
        {"names": ["x", "y"], "join": 0},
        fast_sleep=False,
    ),
    _case(
        "task_timing",
        "EqualSleeps",
        {"names": ["c", "a", "bad", "b"], "seconds": 0.1},
        {"names": ["z", "y"], "seconds": 0},
        fast_sleep=False,
    ),
    _case(
        "task_timing",
        "MixedSleeps",
        {"plan": {"p": [0.5, 0.2], "q": [0.2, 0.2, 0.2], "r": [0.8], "s": [0.3, 0.6]}},
        {"plan": {"p": [0.2, 0.1], "q": [0.1, 0.1, 0.1]}},
        fast_sleep=False,
    ),
    _case(
        "timer_ties",
        "GroupFailsAsSiblingWakes",
        {"bad": 0.1, "good": 0.1, "bad_first": True},
        {"bad": 0.1, "good": 0.1, "bad_first": False},
        {"bad": 0.1, "good": 0.2, "bad_first": True},
        {"bad": 0.2, "good": 0.1, "bad_first": True},
        fast_sleep=False,
    ),
    _case(
        "timer_ties",
        "GatherFailsAsSiblingWakes",
        {"bad": 0.1, "good": 0.1},
        {"bad": 0.2, "good": 0.1},
        fast_sleep=False,
    ),
    _case(
        "timer_ties",
        "TaskFailsAsSiblingWakes",
        {"bad": 0.1, "good": 0.1},
        {"bad": 0.2, "good": 0.1},
        fast_sleep=False,
    ),
    _case(
        "timer_ties",
        "TimeoutTiesSleep",
        {"limit": 0.2, "sleeper": 0.2, "sleeper_first": True},
        {"limit": 0.2, "sleeper": 0.2, "sleeper_first": False},
        {"limit": 0.3, "sleeper": 0.2, "sleeper_first": False},
        fast_sleep=False,
    ),
    _case(
        "timer_ties",
        "ChainsTie",
        {"plans": [[0.9], [0.3, 0.6]]},
        {"plans": [[0.3, 0.6], [0.9], [0.1, 0.1, 0.1, 0.6]]},
        {"plans": [[0.5, 0.25], [0.25, 0.25, 0.25]]},
        fast_sleep=False,
    ),
    _case(
        "same_turn_failures",
        "GroupOfHelpers",
        {"names": ["vip", "bad1", "other", "bad2"], "nested": False},
        {"names": ["bad1", "vip", "bad2", "other", "bad3"], "nested": False},
        {"names": ["vip", "bad1", "other", "bad2"], "nested": True},
        {"names": ["bad1", "bad2", "bad3"], "nested": True},
        {"names": ["vip", "other"], "nested": False},
        fast_sleep=False,
    ),
    _case(
        "same_turn_failures",
        "GroupTasksEnded",
        {"names": ["vip", "bad1", "other", "bad2"]},
        {"names": ["bad1", "bad2", "vip", "bad3"]},
        {"names": ["vip"]},
    ),
    _case(
        "same_turn_failures",
        "GatherOfActions",
        {"names": ["vip", "bad2", "other", "bad1"]},
        {"names": ["bad3", "bad1"]},
        {"names": ["vip", "other"]},
    ),
    _case(
        "same_turn_failures",
        "GatherOfHelpers",
        {"names": ["vip", "bad2", "other", "bad1"], "nested": False},
        {"names": ["vip", "bad2", "other", "bad1"], "nested": True},
        {"names": ["bad1", "bad2", "bad3"], "nested": True},
        {"names": ["vip", "other"], "nested": False},
    ),
    _case(
        "same_turn_failures",
        "WaitFirstException",
        {"names": ["vip", "bad1", "other", "bad2"], "nested": False},
        {"names": ["vip", "bad1", "other", "bad2"], "nested": True},
        {"names": ["bad1", "bad2"], "nested": True},
    ),
    _case(
        "same_turn_failures",
        "GroupSleepsFailTogether",
        {"seconds": [0.1, 0.1]},
        {"seconds": [0.1, 0.2, 0.1]},
        fast_sleep=False,
    ),
    _case("same_turn_failures", "JoinedInOrder", {"names": ["vip", "bad1", "other", "bad2"]}),
    _case(
        "task_leftovers",
        "LeftRunning",
        {"names": ["p", "q"], "fail": False},
        {"names": ["p"], "fail": True},
        {"names": [], "fail": False},
    ),
    _case("task_leftovers", "NeverStarted", {"name": "x"}),
    _case("task_cancels", "CancelOuter", fast_sleep=False),
    _case("task_shields", "ShieldTimeoutAwaitAgain", fast_sleep=False),
    _case("task_shields", "ShieldWaiterCancelled", fast_sleep=False),
    _case("task_shields", "ShieldFailingInner", fast_sleep=False),
    _case("task_shields", "ShieldActionCall", fast_sleep=False),
    _case("task_shields", "ShieldInTaskGroup", fast_sleep=False),
    _case("task_shields", "ShieldInOrder"),
    _case("joined_cancels", "JoinUnderTimeout", fast_sleep=False),
    _case("joined_cancels", "JoinInFailingGroup", fast_sleep=False),
    _case("joined_cancels", "JoinChainUnderTimeout", fast_sleep=False),
    _case("joined_cancels", "JoinEndedBeforeTimeout", fast_sleep=False),
    _case("task_leftovers", "CleanupRaises", {"name": "k"}),
    _case("task_leftovers", "SomeEnded", {"n": 1}, fast_sleep=False),
    _case("task_choices", "ChosenTasks", {"names": ["a", "bad b", "c"]}, {"names": ["x"]}),
    _case("task_spellings", "TaskSpellings", {"xs": [1, 2]}, {"xs": []}),
    _case("task_lists", "ListedTasks", {"xs": [1, -2, 3]}, {"xs": []}),
    _case("task_lists", "AwaitedInComprehension", {"names": ["a", "b"]}, {"names": []}),
    _case("task_lists", "TasksByKey", {"keys": ["p", "q"]}, {"keys": []}),
    _case("task_lists", "NotATask", {"value": 3}),
    _case("task_lists", "GatheredTasks", {"xs": [2, -1, 1]}, {"xs": [1]}, fast_sleep=False),
    _case("task_lists", "FirstFailureWins", {"late": "z"}, fast_sleep=False),
    _case("nested_gathers", "NestedGather", {"names": ["a", "b"]}, {"names": ["x", "y", "z"]}),
    _case("nested_gathers", "NestedFailures", {"names": ["a", "bad b"]}, {"names": ["ok"]}),
    _case(
        "gather_timeouts",
        "GatherTimeout",
        {"seconds": 1.0, "limit": 0.3},
        {"seconds": 0.01, "limit": 5},
        {"seconds": 0.01, "limit": None},
        fast_sleep=False,
    ),
    _case("gather_timeouts", "GatherFailsFirst", {"limit": 5}, fast_sleep=False),
    _case(
        "gather_timeouts",
        "GatherTimeoutEdges",
        {"limit": 0},
        {"limit": -1},
        {"limit": 2},
        fast_sleep=False,
    ),
    _case("await_shapes", "GatheredGenerator", {"xs": [1, -2, 3, -4]}, {"xs": []}),
    _case("await_shapes", "GatherInExpressions", {"xs": [1, 2]}, {"xs": []}),
    _case("await_shapes", "BuiltHelperList", {"xs": [3, 1]}, {"xs": []}),
    _case("await_shapes", "HelperFailsFirst", {"n": -1}, {"n": 1}),
    _case("awaits", "AwaitInComprehensions", {"xs": [1, 2, 3, -1]}, {"xs": [0, 4]}, {"xs": []}),
    # try/finally, else clauses
    _case("flow", "FinallyOnEveryExit", {"mode": "return"}, {"mode": "raise"}, {"mode": "x"}),
    _case("flow", "FinallyOverrides", *({"n": n} for n in (-1, 0, 1, 2))),
    _case("flow", "JumpsThroughFinally", {"items": [1, 0, 2, -1, 3]}, {"items": []}),
    _case("flow", "ReturnFromNestedLoopInFinally", {"target": 4}, {"target": 9}),
    _case("flow", "NestedFinally", {"fail": True}, {"fail": False}),
    _case("flow", "TryExceptElseFinally", {"key": "a"}, {"key": "b"}),
    _case("flow", "ElseNotCaughtByHandlers", {"n": 0}, {"n": 1}, {"n": 3}),
    _case(
        "flow",
        "LoopElse",
        {"items": [1, 2, 3], "target": 2},
        {"items": [1, -2], "target": 5},
        {"items": [], "target": 0},
    ),
    # mutation of held values: del, attributes, items, assert, % formatting
    _case("mutation", "DeleteNames", {"read_after": True}, {"read_after": False}),
    _case("mutation", "AttributesInUnpacking", {"a": 1}),
    _case(
        "mutation", "FieldAliasesAcrossAwaits", {"addresses": ["a", "b", "c"]}, {"addresses": []}
    ),
    _case("mutation", "DeleteUnbound", {"first": True}, {"first": False}),
    *(
        _case("mutation", "DeletedInComprehension", {"where": where})
        for where in (
            "generator",
            "list",
            "dict",
            "first-iterable",
            "nested-first-iterable",
            "first-of-nested",
        )
    ),
    _case(
        "mutation",
        "DeleteItems",
        {"key": "a", "index": 0},
        {"key": "b", "index": 1},
        {"key": "a", "index": 9},
    ),
    _case("mutation", "DeleteFromImmutable", {"which": 0}, {"which": 1}, {"which": 2}),
    _case("mutation", "AssignAttributes", {"name": "ada", "n": 2}),
    _case("mutation", "AssignItems", {"key": "a", "index": 1}, {"key": "b", "index": 5}),
    *(
        _case("mutation", "AttributeErrors", {"case": c})
        for c in (
            "frozen-model",
            "frozen-dataclass",
            "unknown-field",
            "validated",
            "invalid",
            "exception",
            "plain",
        )
    ),
    _case("mutation", "Asserts", {"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}),
    _case(
        "mutation",
        "PercentFormatting",
        {"value": 3, "name": "ada"},
        {"value": "x", "name": "bo"},
        {"value": 2.5, "name": ""},
    ),
    _case("mutation", "PercentErrors", {"case": 0}, {"case": 1}, {"case": 2}, {"case": 3}),
    # policies computed at dispatch
    _case(
        "policies", "ComputedAttempts", {"budget": 3, "failures": 2}, {"budget": 1, "failures": 1}
    ),
    _case(
        "policies",
        "ComputedTimeouts",
        {"limit": 0.4, "as_timedelta": True},
        {"limit": 0.4, "as_timedelta": False},
        fast_sleep=False,
    ),
    _case(
        "policies",
        "ComputedPolicyErrors",
        {"attempts": 2, "timeout": "bad"},
        {"attempts": 2, "timeout": [1]},
        {"attempts": 2, "timeout": "2.5"},
    ),
    # language beyond the documented patterns
    _case("language", "UsesInheritedHelpers", {"n": 4}),
    _case("language", "ConfiguredOnSelf", {"n": 1}, {"n": 6}),
    _case("language", "PositionalTimedelta", {"days": 1}, {"days": -2}),
    _case(
        "language",
        "StrFormat",
        {"name": "ada", "count": 3, "price": 2.5},
        {"name": "", "count": -1, "price": 1e20},
    ),
    _case("language", "ImmutableModuleConstants", {"key": "a"}, {"key": "z"}),
    _case(
        "language",
        "KeyFunctions",
        {"words": ["pear", "fig", "banana", "kiwi", "apple"], "scores": {"a": 2, "b": 5, "c": 5}},
        {"words": [], "scores": {}},
    ),
    _case("language", "KeyErrors", {"values": [3, 1, 2]}, {"values": [1, "x"]}, {"values": []}),
    _case("language", "StrFormatErrors", {"value": 3}, {"value": "x"}, {"value": 2.5}),
    # function values, math, type names
    _case(
        "functions",
        "MapAndFilter",
        {"words": ["pear", "Fig", "a1", "kiwi"], "weights": [1, 2, 0, 3]},
        {"words": [], "weights": []},
    ),
    _case("functions", "MathFunctions", {"n": 7, "x": -2.5}, {"n": 0, "x": 3.0}),
    _case("functions", "MathErrors", {"value": -1}, {"value": "x"}, {"value": 4}),
    _case("functions", "TypeNames", {"values": [1, 95, -3]}, {"values": []}),
    _case("functions", "AssignmentExpressions", {"n": 5}, {"n": 0}),
    _case(
        "functions",
        "AssignmentExpressionsInComprehensions",
        {"lines": [" apple ", "", "banana", "  ", "cherry pie", "bb"], "threshold": 5},
        {"lines": ["x", "yy"], "threshold": 1},
    ),
    _case(
        "functions",
        "CountersAndDefaults",
        {"words": ["ab", "b", "ab", "cde", "a"]},
        {"words": []},
    ),
    _case(
        "functions",
        "ValueClassDefaults",
        {"rows": [["eu", "1.50", "a"], ["us", "2", "b"], ["eu", "0.25", "a"]]},
        {"rows": []},
    ),
    _case(
        "module_functions",
        "ModuleHelpers",
        {"words": ["a", "bee", "a", "cat", "dog", "eel"]},
        {"words": []},
        {"words": ["one", "two"]},
    ),
    _case(
        "imported_functions",
        "ImportedHelpers",
        {"words": ["a", "bee", "a", "cat", "dog", "eel"]},
        {"words": []},
        {"words": ["one", "two"]},
    ),
    ParityCase("properties", "PropertyReads", None),
    ParityCase("properties", "OwnText", None),
    _case(
        "standard",
        "DatesBuilt",
        {"day": "2024-03-09", "hour": 7},
        {"day": "2023-12-31", "hour": 23},
    ),
    _case("standard", "Money", {"count": 3, "rate": "0.0825"}, {"count": 0, "rate": "0.2"}),
    _case("standard", "Statistics", {"values": [2.5, 1, 4, 4]}, {"values": [3]}, {"values": []}),
    _case("standard", "DurationsAndAttributes", {"day": "2024-03-09T08:00:00"}),
    ParityCase("standard", "ZonedDates", None),
    _case(
        "zones",
        "WallTimes",
        *(
            {"stamp": stamp, "zone": zone, "fold": fold}
            for stamp, zone in (
                ("2024-03-10T02:30:00", "America/New_York"),
                ("2024-11-03T01:30:00", "America/New_York"),
                ("2024-03-31T02:15:00", "Europe/Paris"),
                ("2024-07-01T12:00:00", "Europe/Paris"),
            )
            for fold in (0, 1)
        ),
    ),
    _case(
        "zones",
        "NamedOffsets",
        {"day": "2024-01-05", "hours": -5, "name": "EST"},
        {"day": "2024-01-05", "hours": 0, "name": "UTC"},
        {"day": "2024-01-05", "hours": 1, "name": "UTC+01:00"},
    ),
    _case("index_and_mixins", "OwnIndex", {"n": 6, "at": 3}, {"n": 4, "at": 1}),
    _case("index_and_mixins", "DecimalEnum", {"amount": "1.5"}, {"amount": "-2.50"}),
    _case(
        "zones",
        "ParsedOffsets",
        {"text": "2024-01-05T09:00:00+02:00", "closes": "17:00:00-05:30"},
        {"text": "2024-01-05T09:00:00Z", "closes": "17:00:00+00:00"},
        {"text": "2024-01-05T09:00:00-00:45", "closes": "17:00:00"},
    ),
    _case(
        "zones",
        "ZonedTimes",
        {"zone": "Europe/Paris", "hour": 9, "fold": 0, "day": "2024-07-01"},
        {"zone": "Europe/Paris", "hour": 9, "fold": 0, "day": "2024-01-15"},
        {"zone": "America/New_York", "hour": 1, "fold": 1, "day": "2024-11-03"},
        {"zone": "UTC", "hour": 23, "fold": 0, "day": "2024-02-29"},
    ),
    _case(
        "standard",
        "ZonesAndFormats",
        {"zone": "Europe/Paris", "hours": 1},
        {"zone": "America/New_York", "hours": 30},
        {"zone": "Mars/Olympus", "hours": 0},
    ),
    _case("standard", "TypedDicts", {"n": 2}),
    _case(
        "standard",
        "FormatCastAndParse",
        {"amount": 2.5, "when": "2024-05-06 07:08"},
        {"amount": -1.25, "when": "May 6"},
    ),
    _case(
        "standard",
        "StandardExtras",
        {"zone": "UTC", "amount": "-12.50"},
        {"zone": "Mars/Olympus", "amount": "0.0004"},
    ),
    _case("jsonish", "JsonPayloads", {"prompt": "weather"}, {"prompt": 'q"uote'}),
    _case("standard", "NextAndIter", {"words": ["a", "tree", "bee", "house"]}, {"words": []}),
    _case(
        "heaps", "PriorityQueue", {"jobs": ["build", "test", "lint", "deploy", "db"]}, {"jobs": []}
    ),
    _case(
        "heaps",
        "TopN",
        {"words": ["kiwi", "banana", "fig", "cherry", "date", "elder"], "n": 3},
        {"words": ["a", "b"], "n": 5},
        {"words": ["x", "yy"], "n": -1},
    ),
    _case(
        "local_functions",
        "Closures",
        {"skus": ["kiwi", "banana", "fig"], "rate": 1.25},
        {"skus": [], "rate": 2.0},
    ),
    _case("local_functions", "AsyncLocals", {"skus": ["kiwi", "fig", "banana"]}, {"skus": []}),
    _case(
        "local_functions",
        "LocalErrors",
        {"case": "raise"},
        {"case": "deep"},
        {"case": "type"},
        {"case": "none"},
    ),
    _case("local_functions", "LateBinding", {"limit": 8}, {"limit": 0}),
    _case("mutation", "ViewsAcrossAwaits", {"names": ["ab", "c"]}, {"names": []}),
    _case("class_semantics", "ClassSemantics", {"label": "beta"}, {"label": ""}),
    _case("sliced_items", "Paging", {"n": 3}),
    _case("inplace_operators", "FillCart", {"n": 2}),
    _case("exception_format", "ChargeReport", {"amount": 12}),
    _case("format_numbering", "NumberingSwitch", {"customer": "acme"}),
    _case("hasattr_raising", "Escalate", {"title": "printer on fire"}),
    _case("int_enum_subscript", "PlanCode", {"customer": "c1"}),
    _case(
        "user_class_type_errors",
        "IndexRefusals",
        *({"which": which} for which in ("dataclass", "model", "enum", "exception")),
    ),
    _case("flag_attributes", "Permissions", {"user": "u1"}),
    _case("named_tuple_defaults", "ChargeDefaults", {"customer": "acme"}),
    _case("ordered_dict_errors", "OrderSummary", {"order": "o1"}),
    _case("str_enum_format", "ChannelLabel", {"user": "u1"}),
    _case("text_functions", "Texts", {"n": 1}, {"n": 3}),
    _case("text_functions", "Translated", {"text": "a-b_c! & abc"}, {"text": ""}),
    _case("base_classes", "Isi"),
    _case("exact_types", "Types", {"kind": "nf"}, {"kind": "app"}),
    _case(
        "chain_maps",
        "LayeredSettings",
        {"region": "eu", "retries": 5},
        {"region": "us", "retries": None},
    ),
    _case("chain_maps", "ChainLoop", {"region": "eu"}),
    _case("while_iterators", "WhileReadings", {"n": 0}, {"n": 6}, {"n": 12}),
    *(
        _case("while_iterators", "WhileErrors", {"case": case})
        for case in ("not_iterable", "drop_not_iterable", "raises")
    ),
    _case("summary_statistics", "LatencyReport", {"n": 0}, {"n": 1}, {"n": 2}, {"n": 9}),
    _case("summary_statistics", "MonthHeadings", {"n": 0}, {"n": 5}),
    _case("enum_auto", "Triage", {"raw": "on_hold"}, {"raw": "closed"}),
    _case("enum_auto", "MemberNames", {"raw": "live"}, {"raw": "published"}, {"raw": "x"}),
    _case("running_values", "RunningBalances", {"n": 0}, {"n": 1}, {"n": 9}),
    _case("running_values", "RunningErrors", {"case": "scalar"}, {"case": "mixed"}),
    _case("type_methods", "ThroughTypes", {"label": " a b "}, {"label": ""}),
    _case("class_names", "NightlyReport", {"suffix": "x"}, {"suffix": ""}),
    _case("identifiers", "Normalized", {"first": 1}, {"first": 4, "label": "ok"}),
    _case("dataclass_fields", "FieldNames", {"sku": "A-1"}),
    _case("class_results", "FieldTypes"),
    _case("dataclass_fields", "FieldsOfOther", {"value": 5}, {"value": {"sku": "x"}}),
    *(_case("helper_arguments", "Checks", {"case": case}) for case in HELPER_ARGUMENT_CASES),
    _case("reductions", "Reductions", {"n": 0}, {"n": 1}, {"n": 6}),
    *(
        _case("reductions", "ReduceErrors", {"case": case})
        for case in ("empty", "scalar", "function", "types", "keyword", "keyword_empty")
    ),
    _case(
        "regex_iterators",
        "RegexIterators",
        {"text": "ab12kg 7 x345m 9z"},
        {"text": ""},
        {"text": "no digits"},
    ),
    _case("regex_iterators", "FunctionReplacements", {"text": "a1 bc22 D333"}, {"text": ""}),
    *(
        _case("regex_iterators", "ReplacementErrors", {"case": case})
        for case in ("number", "bytes", "raises", "group", "receiver", "own")
    ),
    _case(
        "decimal_tuples", "DecimalTuples", {"text": "12.340"}, {"text": "-7E+3"}, {"text": "NaN"}
    ),
    *(
        _case("ordered_dict_loops", "OrderedDictChanged", {"case": case})
        for case in ("grow", "move", "pop", "update")
    ),
    _case("variadic_helpers", "VariadicHelpers", {"n": 0}, {"n": 3}),
    *(
        _case("variadic_helpers", "VariadicErrors", {"case": case})
        for case in (
            "unexpected",
            "multiple",
            "keyword_only",
            "missing",
            "missing_several",
            "spread",
        )
    ),
    _case("ordered_dicts", "OrderedDicts", {"names": ["bob", "al"]}, {"names": ["x", "x"]}),
    _case("formatting", "Formats", {"kind": "short"}, {"kind": "long"}),
    _case("shared_arguments", "SharedArguments", {"customer": "acme"}),
    _case("property_reads", "PropertyReads", {"qty": 5}, {"qty": 42}),
    _case(
        "enum_classes",
        "EnumValues",
        {"value": 2, "name": "RED"},
        {"value": 7, "name": "BLUE"},
        {"value": 0, "name": "HIGH"},
        {"value": 1, "name": "CRIMSON"},
    ),
    _case(
        "enum_classes",
        "ClassIdentity",
        {"first": 1, "second": 2},
        {"first": 1, "second": "a"},
        {"first": "a", "second": None},
        {"first": [1], "second": {"a": 1}},
    ),
    _case("enum_class_values", "EnumClassToAction"),
    _case("enum_class_values", "EnumClassReturned", {"inside": False}, {"inside": True}),
    _case("enum_semantics", "DataEnums", {"level": 1}, {"level": 3}),
    _case(
        "enum_semantics",
        "PlainEnumOperators",
        *[
            {"op": op}
            for op in ("in", "getitem", "neg", "abs", "round", "len", "int", "less", "add", "iter")
        ],
    ),
    _case("held_iterators", "HeldGenerator", {"rows": ["a", "", " b", "c "]}, {"rows": []}),
    _case("held_iterators", "SharedIterator", {"tokens": ["a", "1", "b", "2", "c"]}),
    _case(
        "held_iterators",
        "EndlessIterators",
        {"rows": ["a", "b", "c", "d"], "polls": 3},
        {"rows": [], "polls": 1},
    ),
    _case(
        "held_iterators",
        "DictChangedDuringLoop",
        {"change": "before"},
        {"change": "after"},
        {"change": "value"},
        {"change": ""},
    ),
    _case(
        "held_iterators",
        "LoopOverDictItems",
        {"start": {"b": 2, "a": 1, "c": 3}},
        {"start": {}},
        {"start": {"b": 2, "a": 1, "c": 3}, "ordered": True},
        {"start": {"a": 5}, "ordered": True},
    ),
    _case(
        "held_iterators",
        "ContainerChangedInLoop",
        *({"case": c} for c in ("grow-after", "grow-before", "swap", "keys-changed", "set", "gen")),
    ),
    _case("class_operators", "OwnOperators", {"cents": [250, 199, 1000]}, {"cents": [5, 0]}),
    _case(
        "class_operators",
        "MissingOperators",
        *[
            {"which": w}
            for w in (
                "add",
                "radd",
                "neg",
                "abs",
                "int",
                "len",
                "in",
                "index",
                "less",
                "mixed",
                "format",
                "money",
                "setitem",
                "concat",
                "repeat",
                "error_add",
                "error_len",
                "error_bool",
                "bool",
            )
        ],
    ),
    _case(
        "errors",
        "BuiltinErrorAttributes",
        {"path": "/missing/a.txt"},
        {"path": "/hex/ff"},
        {"path": "/hex/6f6b"},
    ),
    _case("models", "NamedTuplesBuilt", {"n": 3}, {"n": 0}),
    _case("inheritance", "Leaf", {"x": 3}, {"x": -2}),
    _case("imported_bases", "Report", {"names": ["Big Order", " x ", "third"]}, {"names": []}),
    _case("imported_bases", "PlainTemplate", {"names": ["One Two"]}),
    _case("imported_bases", "Deeper", {"x": 3}, {"x": -2}),
    _case("local_functions", "InHelpers", {"words": ["hi", "yes"]}),
    _case(
        "heaps",
        "Queues",
        {"start": "a", "values": [4, 8, 15, 16, 23]},
        {"start": "z", "values": []},
    ),
    _case("models", "EnumMissing", {"raw": " Pro "}, {"raw": "gold"}, {"raw": "free"}),
    _case("regexes", "InvoiceRefs", {"ref": "INV-0042"}, {"ref": "inv-7-b"}, {"ref": "X-1"}),
    _case(
        "regexes",
        "TextWork",
        {"text": "Ship  5 KG to ada@home, then bob@work;x1 y2\nnext line"},
        {"text": "Straße, é É ss"},
        {"text": ""},
    ),
    *(
        _case("regexes", "RegexErrors", {"case": case})
        for case in (
            "pattern",
            "none",
            "group",
            "name",
            "template",
            "string",
            "flags",
            "attribute",
            "fine",
        )
    ),
    _case(
        "regexes",
        "UnicodeClasses",
        {"text": "naïve café ²³ x\u0301 ٣4 a\x1cb \u0130stanbul \u0131i \u017f KELVIN \u212a"},
    ),
    _case("heaps", "Digests", {"customer": "ada", "amount": 10}, {"customer": "", "amount": 0}),
    _case(
        "heaps",
        "HeapErrors",
        {"case": "empty"},
        {"case": "mixed"},
        {"case": "text"},
        {"case": "tuple"},
    ),
    _case(
        "tables",
        "Tables",
        {"locale": "fr", "name": "Ada", "channel": "push"},
        {"locale": "pt", "name": "root", "channel": "fax"},
    ),
    _case("tables", "EnumTables", {"name": "gina", "nights": 55}, {"name": "mo", "nights": 1}),
    _case("functions", "LambdaDefaults", {"words": ["ab", "b", "ab", "cde", "a"]}, {"words": []}),
    _case(
        "functions",
        "SortInPlace",
        {"words": ["Pear", "fig", "apple", "Fig", "kiwi"]},
        {"words": []},
    ),
    _case("functions", "KeyedDefaults", {"words": ["ab", "cde", "fgh", "x"]}, {"words": []}),
    _case("functions", "KeyFunctions", {"versions": ["1.10.0", "1.2.3", "0.9"]}, {"versions": []}),
    _case("functions", "Itertools", {"xs": [1, 3, 2, 4, 6]}, {"xs": []}),
    _case("functions", "GroupsAfterTheGroupby", {"word": "aabccd"}, {"word": "aab"}, {"word": ""}),
    # helpers
    _case("helpers", "SyncHelpers", {"items": ["pen", "notebook"]}, {"items": []}),
    _case("helpers", "AsyncHelpers", {"items": ["a", "bcd"]}, {"items": []}),
    _case("helpers", "RecursiveHelpers", {"n": 7}, {"n": 0}),
    _case("helpers", "StaticHelpers", {"values": [1, 20, 300]}, {"values": []}),
    _case("helpers", "HelperExceptions", {"item": "pen"}, {"item": "notebook"}),
    _case("helpers", "HelperDefaultsAndKeywords", {"item": "ink"}),
    # dependencies
    _case("depends", "InjectedDependencies", {"recipients": ["a@x", "b@y"]}),
    # match
    _case(
        "matching",
        "MatchLiterals",
        *({"value": v} for v in (0, "hello", None, True, 500, 2.5, 7, "x")),
    ),
    _case(
        "matching",
        "MatchSequences",
        *({"value": v} for v in ([], [1], [1, 2, 3, 4], [1, 2], [1, 2, 3])),
    ),
    _case("matching", "MatchDeques", {"items": [3, -1, 4, 1]}, {"items": []}),
    _case(
        "matching",
        "MatchMappings",
        *(
            {"value": v}
            for v in (
                {"type": "user", "name": "ada"},
                {"type": "order", "items": [1, 2], "id": 3},
                {"type": "order", "items": []},
                {"type": "x"},
                {},
            )
        ),
    ),
    _case(
        "matching",
        "MatchClasses",
        {"kind": "refund", "amount": 50, "shape": "c"},
        {"kind": "charge", "amount": 5, "shape": "s"},
        {"kind": "refund", "amount": 1, "shape": "s"},
    ),
    # what a class keeps beyond its fields, and answers for itself
    _case(
        "class_state",
        "DataclassExceptions",
        *({"case": c} for c in ("compare", "unhashable", "uncaught", "local", "action", "frozen")),
    ),
    _case("class_state", "ExceptionGroups", {"local": True}, {"local": False}),
    _case("group_members", "GroupMemberChain", {"wait": False}, {"wait": True}),
    _case(
        "except_star",
        "StarSplits",
        *(
            {"kind": kind, "wait": wait}
            for kind in ("none", "naked", "miss", "flat", "nested")
            for wait in (False, True)
        ),
    ),
    _case(
        "except_star",
        "StarRaises",
        *(
            {"how": how, "kind": kind}
            for how in ("none", "bare", "same", "member", "new", "caught")
            for kind in ("naked", "flat", "nested")
        ),
    ),
    _case("except_star", "StarActions", {"kind": "value"}, {"kind": "type"}, {"kind": "ok"}),
    _case(
        "except_star",
        "StarTaskGroup",
        {"kinds": ["ok", "value"]},
        {"kinds": ["type", "ok"]},
        {"kinds": ["key"]},
        {"kinds": ["ok"]},
        fast_sleep=False,
    ),
    _case("except_star", "StarTimeout", {"inside": False}, {"inside": True}, fast_sleep=False),
    _case("except_star", "StarUncaught"),
    _case("except_star", "StarGroupClass", {"fail_now": False}, {"fail_now": True}),
    _case("except_star", "GroupMethods", {"wait": False}, {"wait": True}),
    _case(
        "except_star",
        "StarGenerator",
        {"n": 1, "fail": True},
        {"n": 3, "fail": False},
        {"n": 0, "fail": True},
    ),
    _case("timeout_managers", "TimeoutExpired", {"wait": 0}, {"wait": 5}, fast_sleep=False),
    _case("timeout_managers", "TimeoutExpiredCaught", fast_sleep=False),
    _case(
        "timeout_managers",
        "TimeoutExpiredNested",
        {"inner_first": True},
        {"inner_first": False},
        fast_sleep=False,
    ),
    _case(
        "class_state",
        "PrivateAttributes",
        {"case": "models"},
        {"case": "exception"},
        {"case": "uncaught"},
    ),
    _case("class_state", "ModelValidate", {"invalid": False}, {"invalid": True}),
    _case("class_state", "ModelCopy"),
    _case("instance_state", "Tally", {"xs": [1, 2, 3, 4]}, {"xs": []}),
    _case("instance_state", "ReadBeforeSet", {"early": True}, {"early": False}),
    _case("instance_state", "UnsetRaises"),
    _case("instance_state", "ShadowedClassList", {"xs": [1, 2]}),
    _case(
        "class_state",
        "NamedTupleClasses",
        {"case": "fields"},
        {"case": "sub"},
        {"case": "properties"},
    ),
    _case("class_helpers", "ClassHelpers", {"n": 1}, {"n": 7}),
    _case(
        "value_methods", "ValueMethods", {"owner": "ada", "spend": 10}, {"owner": "bo", "spend": 99}
    ),
    _case("value_methods", "TreeMethods", {"name": "a2"}, {"name": "zz"}),
    _case(
        "fractions_exact",
        "ExactShares",
        *({"parts": p, "case": c} for p, c in ((3, "arith"), (7, "arith"), (4, "text"))),
        {"parts": 2, "case": "zero"},
        {"parts": 2, "case": "bad"},
    ),
    _case(
        "templates",
        "Greetings",
        *({"user": "ada", "case": c} for c in ("ok", "missing", "invalid")),
    ),
    _case("renamed_tuples", "RenamedTuples", {"scale": 3}),
    # production-shaped workflows
    ParityCase("prod_orders", "CheckoutSaga", None),
    ParityCase("prod_accounts", "Onboarding", None),
    ParityCase("prod_ops", "EscalateIncident", None),
    _case(
        "prod_shop",
        "PriceCart",
        {"skus": ["mug", "tee", "pen", "pen", "pen", "mug", "hat"]},
        {"skus": ["cap"]},
        {"skus": []},
    ),
    _case(
        "prod_shop",
        "CrawlSite",
        {"root": "https://shop.test/"},
        {"root": "https://shop.test/", "max_pages": 2},
        {"root": "https://shop.test/", "stop_at": "post-2"},
    ),
    ParityCase("prod_finance", "MonthlyPayroll", None),
    _case("prod_finance", "BatchScoring", {"shards": 5, "size": 4}, {"shards": 0, "size": 4}),
    ParityCase("prod_finance", "QuoteTrip", None),
    ParityCase("prod_integrations", "DeliverWebhook", None),
    _case(
        "prod_integrations",
        "SloReport",
        {"services": ["api", "db", "none"]},
        {"services": ["api"], "slo_ms": 20},
    ),
    ParityCase("prod_ops", "RenewalCampaign", None),
    _case(
        "prod_ops",
        "ReconcileInventory",
        {"warehouse": "w1"},
        {"warehouse": "w1", "tolerance_pct": 50, "max_write_off": 1000},
    ),
    _case(
        "prod_ops",
        "RetentionSweep",
        {"tables": ["sessions", "audit"]},
        {"tables": ["x"], "page_size": 10},
        {"tables": []},
    ),
    _case(
        "prod_accounts",
        "RenewSubscription",
        {"account": "good"},
        {"account": "recovers", "periods": 2},
        {"account": "declines"},
    ),
    _case("prod_accounts", "RenewThroughSlowProvider", {"account": "slow"}, fast_sleep=False),
    _case(
        "prod_accounts", "FraudReview", {"account": "all"}, {"account": "small"}, {"account": "x"}
    ),
    _case(
        "prod_documents",
        "ProcessInbox",
        {"doc_ids": ["d1", "d2", "d3", "d4", "d5", "d9"]},
        {"doc_ids": ["d4"], "threshold": 10.0},
        {"doc_ids": []},
    ),
    _case(
        "prod_reports",
        "MonthlyBilling",
        {"year": 2024, "month": 2},
        {"year": 2023, "month": 12, "discount_pct": 15},
    ),
    _case(
        "prod_dedup",
        "DedupContacts",
        {"sources": ["crm", "billing", "support"]},
        {"sources": ["support"]},
        {"sources": []},
    ),
    _case("prod_etl", "NightlyEtl", {}, {"max_pages": 1}, {"fail_fast": True}),
    _case(
        "prod_agent",
        "ResearchAgent",
        {"conversation": "weather", "question": "temp in Paris in F?"},
        {"conversation": "broken", "question": "?"},
        {"conversation": "loop", "question": "?", "max_steps": 3},
    ),
    _case(
        "prod_ledger",
        "ImportLedger",
        {"sources": ["bank-a", "bank-b"]},
        {"sources": ["bank-b"], "top": 5},
        {"sources": []},
    ),
    _case(
        "prod_ledger",
        "PostPayouts",
        *({"batch": b} for b in ("ok", "frozen", "short", "bank-b")),
        {"batch": "quoted", "strict": True},
        {"batch": "quoted"},
    ),
    _case(
        "prod_ledger",
        "ConvertStatement",
        {"text": "id,currency,amount\n1,EUR,10.00\n2,JPY,5\n\n3,GBP,2.5,late\n4,EUR\n"},
        {"text": 'id,currency,amount\r\n"5","EUR","1\n"\r\n', "restval": "-"},
        {"text": ""},
    ),
    _case("prod_shipments", "TrackShipment", *({"code": c} for c in ("happy", "weird", "return"))),
    _case(
        "prod_shipments",
        "QuoteParcels",
        {"carriers": ["ups", "flaky", "slow", "broken"], "boxes": [[10, 20, 30], [1.5, 2, 4]]},
        {"carriers": [], "boxes": []},
        {"carriers": ["ups"], "boxes": [[1, 2]]},
    ),
    _case(
        "prod_batches",
        "SyncCatalogue",
        {"lines": ["a:10@kitchen", "# note", "b:3", "", "c:x@garden", "d:7@garden", "e:12"]},
        {"lines": ["a:10", "c:x@garden", "d:7"], "strict": True, "size": 1},
        {"lines": []},
    ),
    _case(
        "prod_ledger",
        "ExportBalances",
        {"sources": ["bank-a", "bank-b"]},
        {"sources": ["bank-b"], "extras": "raise"},
        {"sources": []},
    ),
    _case(
        "prod_batches",
        "IssueInvoices",
        {"amounts": [5, 0, 7, 3]},
        {"amounts": [2, 9], "prefix": "CR", "fee": 4},
        {"amounts": []},
    ),
    _case("prod_shipments", "InferSchema", *({"code": c} for c in ("happy", "weird", "return"))),
    _case(
        "gather_flags",
        "SyncAccounts",
        {"accounts": ["a", "bad-b", "c"], "tolerant": True},
        {"accounts": ["a", "bad-b"], "tolerant": False},
        {"accounts": ["a"], "tolerant": False, "plan_retries": 2},
        {"accounts": [], "tolerant": False},
    ),
    _case(
        "gather_flags",
        "FlagAfterArguments",
        {"accounts": ["a", "bad"], "options": {"bad-again": True}},
        {"accounts": ["a"], "options": {}},
        {"accounts": ["bad"], "options": {"bad-again": False}},
    ),
    ParityCase("local_defaults", "QuotePrices", None),
    _case(
        "local_defaults",
        "DefaultsInLoop",
        {"items": ["a", "b", "c"], "urgent": ["b"]},
        {"items": [], "urgent": []},
    ),
    _case(
        "local_defaults",
        "DefaultRaises",
        {"given": [4, 5, 6], "position": 1},
        {"given": [4], "position": 3},
    ),
    _case("exception_chains", "ChainedInWorkflow", {"text": "12"}, {"text": "x1"}),
    _case(
        "exception_chains",
        "ChainedFromActions",
        {"tool": "wrapped"},
        {"tool": "during"},
        {"tool": "implicit"},
        {"tool": "plain"},
        {"tool": "ok"},
    ),
    _case("exception_chains", "ChainEscapes", {"key": "a"}, {"key": "b"}),
    _case("exception_chains", "ChainEdges", {"key": "z"}),
    _case("exception_chains", "LongChain", {"links": 0}, {"links": 1}, {"links": 5}, {"links": 40}),
    _case("helper_contexts", "HelperContexts", {"raw": "x"}, {"raw": "7"}),
    _case("helper_contexts", "AsyncHelperContexts", {"raw": "x"}, {"raw": "7"}),
    _case("endless_maps", "EndlessMaps", {"scale": 1}, {"scale": 3}),
    _case("endless_maps", "EndedMaps", {"size": 0}, {"size": 2}, {"size": 5}),
    _case(
        "function_identity",
        "FunctionIdentity",
        {"name": "scale", "action_name": "fetch"},
        {"name": "x", "action_name": "store"},
    ),
    _case(
        "plain_classes",
        "PlainStrategies",
        {"rate": 2, "stepped": False},
        {"rate": 3, "stepped": True},
    ),
    _case("plain_classes", "PlainValues", {"cents": 150}),
    _case("plain_classes", "PlainState", {"n": 2}),
    _case("method_awaits", "HeldReceiver", {"n": 1}),
    _case("method_awaits", "HeldReceiverKeywords", {"n": 2}),
    _case("method_awaits", "HeldChainedReceiver", {"n": 3}),
    _case("method_awaits", "HeldDataclassReceiver", {"n": 4}),
    _case("method_awaits", "HeldReceiverInHelper", {"n": 5}),
    _case("method_awaits", "HeldReceiverInLoop", {"n": 0}, {"n": 5}),
    _case("plain_graphs", "PlainAliases", {"n": 2}),
    _case("plain_graphs", "PlainBackLinks", {"name": "root"}),
    _case("plain_graphs", "PlainSharedEquality", {"v": 3}),
    _case("plain_graphs", "PlainKeys", {"k": 1}),
    _case("tuple_cycles", "SharedTeam", {"n": 1}, {"n": 2}),
    _case("generator_reentry", "SelfRead", {"n": 1}),
    _case("identity", "InstanceIdentity", {"owner": "ann"}),
    _case("identity", "ContainerIdentity", {"n": 2}),
    _case("identity", "EnumIdentity", {"level": 1}, {"level": 2}),
    _case("exception_identity", "ExceptionIdentity", {"n": 1}, {"n": 2}, {"n": 5}),
    _case("chain_identity", "ChainIdentity", {"n": 1}),
    _case("memoised_functions", "MemoisedFunctions", {"n": 1}, {"n": 2}),
    _case("closure_values", "ClosureValues", {"values": [3.0, 1.5, 2.5, 0.5, 4.0]}),
    _case("closure_cells", "ClosureCells", {"k": 3}, {"k": -2}),
    _case("closure_cells", "NestedClosureCells", {"k": 3}),
    _case("closure_cells", "UnboundCells"),
    _case("closure_defaults", "ClosureDefaults", {"k": 2}, {"k": -4}),
    _case("closure_defaults", "ClosureHandlers", {"xs": [5, 1, 4, 2, 8]}, {"xs": []}),
    _case(
        "held_receivers",
        "HeldReceivers",
        {"name": "a", "xs": ["y", "x", "z"]},
        {"name": "missing", "xs": []},
        {"name": "b", "xs": ["x"]},
    ),
    _case("lambda_values", "LambdaValues", {"k": 2}, {"k": -1}),
    _case("lambda_arguments", "LambdaArguments", {"k": 2}, {"k": -3}),
    _case(
        "pure_paths",
        "PurePaths",
        {"root": "/srv/data", "name": "q1.csv"},
        {"root": "rel", "name": "archive.tar.gz"},
    ),
    _case(
        "held_enums",
        "HeldEnumLookups",
        {"name": "RED", "warm": False},
        {"name": "HIGH", "warm": True},
    ),
    _case("class_tables", "StrategyTable", *_STRATEGY_INPUTS),
    _case(
        "class_tables",
        "StrategyChecks",
        *({"name": n, "dest": "dock"} for n in ("heavy", "express", "fefo")),
    ),
    _case("model_field_names", "CsvHeaders", {"column": "age"}, {"column": "phone"}),
    _case("schema_fields", "ExportSchema", {"table": "signups"}, {"table": "invoices"}),
    _case(
        "returned_instances",
        "GrantQuota",
        *(
            {"account": account, "source": source}
            for account, source in [
                ("acme", "override"),
                ("acme", "tier"),
                ("bo", "tier"),
                ("bo", "team"),
                ("bo", "trial"),
                ("bo", "unlimited"),
            ]
        ),
    ),
    _case(
        "module_closures",
        "ModuleClosures",
        {
            "xs": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "ys": [0.5, 3.5, 9.0],
            "rows": [3, 12, 4],
            "limit": 20,
        },
        {"xs": [2.0, 2.0, 8.0], "ys": [2.0, 5.0], "rows": [7, 30], "limit": 10},
    ),
    _case("folded_constants", "FoldedConstants", {"numbers": [7, 42]}, {"numbers": []}),
    _case("exception_methods", "ExceptionMethods", {"n": 0}, {"n": 4}, {"n": 12}),
    _case("exception_methods", "ExceptionState", {"n": 5}),
    _case("exception_methods", "ExceptionForms", {"n": 1}, {"n": 2}, {"n": 7}),
    _case("slotted_dataclasses", "SlottedPoints", {"n": 4}),
    _case(
        "self_attributes",
        "SelfAttributes",
        *(
            {"name": name, "field": field}
            for name, field in [("ab", "count"), ("xyz", "LIMIT"), ("", "retries"), ("q", "x")]
        ),
    ),
    _case(
        "self_attributes",
        "MissingAttribute",
        *({"name": n, "drop": d} for n, d in [("name", False), ("other", False), ("name", True)]),
    ),
    _case("self_attributes", "ComputedNames", *({"key": k} for k in ("RATE", "total", "no", 7))),
    _case(
        "comprehension_lambdas",
        "ComprehensionLambdas",
        {"region": "eu", "bonus": 1},
        {"region": "us", "bonus": -2},
        {"region": "mars", "bonus": 0},
    ),
    _case(
        "progress_prints",
        "ProgressPrints",
        {"names": ["ab", "cde", "f"]},
        {"names": []},
        {"names": ["ab", "cde", "f"], "fail_at": 1},
        prints=True,
    ),
    *(ParityCase(module, name, inputs, fast) for module, name, inputs, fast in CORPUS),
)


def workflow_count() -> int:
    return len(CASES)
