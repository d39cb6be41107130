"""Rules for durable operations: what a workflow may await and the forms of each (actions,
policies, `gather`, `sleep`, child workflows, signals).

Each entry is data only; the lowering of awaits and operations raises them. It must not hold
rules about plain expressions or statements.
"""

from __future__ import annotations

from waymark_compiler.rules.rule import rule

AWAIT_NON_ACTION = rule(
    "WM102",
    "await-non-action",
    "refuses `await` of anything other than an action, `self.run_action`, "
    "`asyncio.gather`, `asyncio.sleep`, `asyncio.wait_for`, an async helper method or a child "
    "workflow "
    "(`Other().run(...)` of a `@workflow` class)",
    "Only those operations are durable: the runtime records their results in PostgreSQL. "
    "Any other coroutine would run outside that record.",
    "rows = await fetch_rows(order_id)  # fetch_rows is not an @action",
    "Decorate the coroutine function with `@action`, or make it a `@workflow` class and "
    "await it as a child workflow: `await FetchRows().run(order_id=order_id)`.",
)

CONCURRENCY_PRIMITIVE = rule(
    "WM104",
    "concurrency-primitive",
    "refuses `time.sleep` and asyncio task primitives other than `gather`, `sleep`, `wait_for`, "
    "a started task (`create_task`, `ensure_future`) and `wait` of started tasks",
    "`time.sleep` blocks instead of waiting durably; tasks made by `wait` or `TaskGroup` are "
    "not recorded and would be lost on a restart.",
    "time.sleep(60)\ntask = asyncio.create_task(send_email(to))",
    "`await asyncio.sleep(seconds)` for a durable sleep; `await asyncio.gather(...)` to run "
    "actions concurrently.",
)

NESTED_AWAIT = rule(
    "WM105",
    "nested-await",
    "refuses `await` where its statement form cannot keep CPython's order: inside a generator "
    "expression, in an unpacking target or an augmented slice assignment, in a `case` guard",
    "An await inside an expression is lowered to awaits into temporaries, in CPython's order, "
    "and a list, set or dict comprehension with awaits to the loop CPython runs. A generator "
    "expression with an await is an async generator in Python, a guard is evaluated per case, "
    "and the other positions are evaluated in an order the temporaries do not keep.",
    "total = sum(await price(item) for item in items)",
    "`total = sum([await price(item) for item in items])` (one at a time) or "
    "`sum(await asyncio.gather(*[price(item) for item in items]))` (at once); await into a "
    "name first in the other positions.",
)

ACTION_NOT_AWAITED = rule(
    "WM106",
    "action-not-awaited",
    "refuses calling an action without awaiting it",
    "Calling an action only builds a deferred call; without `await` (or `asyncio.gather`, "
    "or `self.run_action`) nothing would run.",
    "send_email(to)",
    "`await send_email(to)`, or pass the call to `asyncio.gather` or `self.run_action`.",
)

NON_CONSTANT_POLICY = rule(
    "WM127",
    "non-constant-policy",
    "refuses policies whose fields are not of their kind: retry classes, backoff fields and "
    "`backoff_seconds` that are not constants, and `attempts` or `timeout` constants that are "
    "not numbers",
    "`attempts` and `timeout` may be computed (they are evaluated when the action is "
    "dispatched); the other fields are part of the program's visible syntax and are fixed when "
    "it is compiled.",
    "backoff=BackoffPolicy(base_delay=delay)",
    "Use a literal or a module-level constant.",
)

TIMEDELTA_FORM = rule(
    "WM128",
    "timedelta-form",
    "no longer reported: positional `timedelta` arguments are supported (they were refused before)",
    "`timedelta(1, 30)` means what it means in CPython: one day and thirty seconds.",
    "timeout=timedelta(0, 30)",
    "Nothing: the code compiles as written.",
)

RUN_ACTION_FORM = rule(
    "WM129",
    "run-action-form",
    "refuses `self.run_action` calls that are not `self.run_action(action(...), retry=, "
    "backoff=, timeout=)` and `asyncio.wait_for` calls that are not "
    "`asyncio.wait_for(action(...), timeout)` or `asyncio.wait_for(asyncio.gather(...), "
    "timeout)` (the action call may be a conditional expression "
    "of action calls)",
    "The policy must be attached to exactly one action call.",
    "await self.run_action(call, retry=RetryPolicy(attempts=3))  # call is a variable",
    "Pass the action call directly: `self.run_action(send_email(to), retry=...)`.",
)

GATHER_FORM = rule(
    "WM130",
    "gather-form",
    "refuses `asyncio.gather` items other than action calls, `self.run_action(...)` calls, "
    "async helper calls, conditional expressions of them, `*[call for ...]` spreads of them and "
    "gathers of them with the same constant `return_exceptions`",
    "The runtime schedules gathered actions concurrently and must know them statically. "
    "`return_exceptions=` takes any expression: it is evaluated once, after the items' "
    "arguments, and its truth decides.",
    "await asyncio.gather(*calls)",
    "Spell the calls out, or spread a comprehension: `*[send_email(u.email) for u in users]`.",
)

SLEEP_FORM = rule(
    "WM131",
    "sleep-form",
    "refuses `asyncio.sleep` with anything other than one duration argument",
    "A durable sleep takes a number of seconds; `result=` has no durable meaning.",
    "await asyncio.sleep(5, result='done')",
    "`await asyncio.sleep(5)`, then assign the value on the next line.",
)

SYNC_ACTION = rule(
    "WM151",
    "sync-action",
    "refuses an `@action` defined with `def` instead of `async def`",
    "Workers await every action; a plain function's result cannot be awaited, so each call "
    "of it would fail at run time.",
    "@action\ndef send_email(to: str) -> None: ...",
    "Define it with `async def`; run blocking work with `await asyncio.to_thread(...)`.",
)

CHILD_WORKFLOW_FORM = rule(
    "WM160",
    "child-workflow-form",
    "refuses a child workflow call whose form the runtime cannot start: spread inputs, more "
    "positional inputs than its `run()` takes, an input given by position and by keyword, "
    "inputs to the constructor, a `_blocking` that is not a literal, or an option of a "
    "client's `run()` (`_timeout`, `_priority`, `_idempotency_key`)",
    "A child instance is created from its inputs by name (the parameters of its `run()`, to "
    "which positional inputs are bound when compiling), and whether the parent waits for it "
    "must be known when compiling.",
    "total = await Factorial().run(*[n - 1])",
    "Pass each input by position or by keyword: `await Factorial().run(n - 1)`; start a "
    "detached child with `_blocking=False`.",
)


SIGNAL_FORM = rule(
    "WM171",
    "signal-form",
    "refuses a `self.wait_for_signal` whose form the engine cannot know when compiling: a "
    "name that is not a string literal, a payload type that is not a model, dataclass, enum "
    "or builtin type, or an unexpected argument",
    "The engine knows every signal an instance can wait for from its compiled program, so a "
    "sender naming a signal the workflow never waits for is refused at once, and each "
    "payload is validated against its declared type when it is sent.",
    'decision = await self.wait_for_signal(f"decision-{n}", Decision)',
    "Name the signal with a literal and the payload with a class: "
    '`await self.wait_for_signal("decision", Decision, timeout=timedelta(days=3))`.',
)
