"""The catalogue of compiler rules: one stable code per refused construct, with its explanation.

Codes never change meaning once published; `waymark compile --explain WM101` prints the entry.
This module is data only: the checks that raise these codes live in the lowering phases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: `explanation` covers what it does, why, an example and what to use instead."""

    code: str
    name: str
    summary: str
    explanation: str


def _rule(code: str, name: str, summary: str, why: str, example: str, instead: str) -> Rule:
    text = (
        f"## What it does\n{summary[0].upper()}{summary[1:]}.\n\n## Why\n{why}\n\n"
        f"## Example\n```python\n{example}\n```\n\n## Use instead\n{instead}\n"
    )
    return Rule(code, name, summary, text)


_COMPILE_ONCE = (
    "A workflow body is compiled once and never re-executed; only actions run on workers. "
    "Anything whose result could differ between two runs, or that touches the outside world, "
    "would be evaluated by the runtime at an arbitrary time and place."
)

SYNTAX_ERROR = _rule(
    "WM100",
    "syntax-error",
    "refuses a module whose Python source does not compile",
    "Python itself rejects the source, so there is nothing to compile.",
    "async def run(self)\n    return 1",
    "Fix the syntax error reported by Python.",
)

UNSUPPORTED_CALL = _rule(
    "WM101",
    "unsupported-call",
    "refuses a call of something that is not an action, a pure builtin, a pure method, a "
    "helper method or a model class",
    "The runtime only evaluates functions it knows to be pure and deterministic; an "
    "arbitrary function could do I/O or depend on hidden state. " + _COMPILE_ONCE,
    "total = compute_total(items)  # a plain function",
    "Make the function an `@action` and await it, or turn it into a helper method of the "
    "workflow class.",
)

AWAIT_NON_ACTION = _rule(
    "WM102",
    "await-non-action",
    "refuses `await` of anything other than an action, `self.run_action`, "
    "`asyncio.gather`, `asyncio.sleep`, an async helper method or a child workflow "
    "(`Other().run(...)` of a `@workflow` class)",
    "Only those operations are durable: the runtime records their results in PostgreSQL. "
    "Any other coroutine would run outside that record.",
    "rows = await fetch_rows(order_id)  # fetch_rows is not an @action",
    "Decorate the coroutine function with `@action`, or make it a `@workflow` class and "
    "await it as a child workflow: `await FetchRows().run(order_id=order_id)`.",
)

NONDETERMINISTIC_CALL = _rule(
    "WM103",
    "nondeterministic-call",
    "refuses reading clocks, randomness, the environment and doing I/O in a workflow body",
    _COMPILE_ONCE,
    "now = datetime.now()\ntoken = uuid.uuid4()",
    "Do it inside an action (`now = await current_time()`), or pass the value in as an "
    "input of `run()`.",
)

CONCURRENCY_PRIMITIVE = _rule(
    "WM104",
    "concurrency-primitive",
    "refuses `time.sleep` and asyncio task primitives other than `gather` and `sleep`",
    "`time.sleep` blocks instead of waiting durably; tasks created with `create_task`, "
    "`wait` or `TaskGroup` are not recorded and would be lost on a restart.",
    "time.sleep(60)\ntask = asyncio.create_task(send_email(to))",
    "`await asyncio.sleep(seconds)` for a durable sleep; `await asyncio.gather(...)` to run "
    "actions concurrently.",
)

NESTED_AWAIT = _rule(
    "WM105",
    "nested-await",
    "refuses `await` where its statement form cannot keep CPython's order: inside a "
    "comprehension body, in an unpacking target or an augmented slice assignment, in a `case` "
    "guard",
    "An await inside an expression is lowered to awaits into temporaries, in CPython's order. "
    "A comprehension body runs in its own scope once per item, a guard is evaluated per case, "
    "and the other positions are evaluated in an order the temporaries do not keep.",
    "prices = [await price(item) for item in items]",
    "`prices = await asyncio.gather(*[price(item) for item in items])`, or a `for` loop; await "
    "into a name first in the other positions.",
)

ACTION_NOT_AWAITED = _rule(
    "WM106",
    "action-not-awaited",
    "refuses calling an action without awaiting it",
    "Calling an action only builds a deferred call; without `await` (or `asyncio.gather`, "
    "or `self.run_action`) nothing would run.",
    "send_email(to)",
    "`await send_email(to)`, or pass the call to `asyncio.gather` or `self.run_action`.",
)

SELF_MUTATION = _rule(
    "WM107",
    "self-mutation",
    "refuses assigning to attributes of `self`",
    "A workflow instance object does not exist at run time: state lives in local variables "
    "that the runtime persists.",
    "self.count = 0",
    "Use a local variable and pass it to helper methods as an argument.",
)

SELF_READ = _rule(
    "WM108",
    "self-read",
    "refuses reading attributes of `self` that are not constant configuration, using `self` as "
    "a value, and an `__init__` that does more than set `self.<name>` to constants",
    "`run()` resumes in processes where the object that started the instance does not exist. "
    "Helper methods, constant class attributes and `self.x = <constant>` in a parameterless "
    "`__init__` are fixed by the source and are read as such; anything else set on the object "
    "would be lost.",
    "def __init__(self, limit: int) -> None:\n    self.limit = limit",
    "Set `self.limit = 10` (a constant) in `__init__` or on the class, or pass `limit` to `run()`.",
)

GLOBAL_STATEMENT = _rule(
    "WM109",
    "global-statement",
    "refuses `global` and `nonlocal`",
    "Module state is not part of an instance's durable state and is not shared between the "
    "processes that advance it.",
    "global counter",
    "Keep the value in a local variable and return it.",
)

YIELD = _rule(
    "WM110",
    "yield",
    "refuses `yield` in a workflow",
    "A workflow's `run()` returns one value; generators have no durable representation.",
    "yield item",
    "Collect the values in a list and return it.",
)

LAMBDA = _rule(
    "WM111",
    "lambda",
    "refuses `lambda`, except as the `key=` of `sorted`, `min` and `max`",
    "Functions are not values in the Waymark Runtime Language; a lambda passed to an action "
    "would have to run in another process.",
    "await apply_rule(lambda x: x + 1, value)",
    "Compute the value with a comprehension, a helper method or an action.",
)

WITH_STATEMENT = _rule(
    "WM112",
    "with-statement",
    "refuses `with` and `async with`",
    "Context managers acquire and release outside resources, which only actions may hold.",
    "async with session() as s:\n    ...",
    "Open the resource inside an action.",
)

ASYNC_FOR = _rule(
    "WM113",
    "async-for",
    "refuses `async for` and asynchronous comprehensions",
    "Asynchronous iterators pull from the outside world without a durable record.",
    "async for row in stream():\n    ...",
    "Fetch the rows with an action that returns a list, then use a plain `for`.",
)

IMPORT_IN_BODY = _rule(
    "WM114",
    "import-in-body",
    "refuses imports inside a workflow body",
    "Importing runs module code; the runtime never imports on a program's behalf.",
    "import json",
    "Import at the top of the module.",
)

NESTED_DEFINITION = _rule(
    "WM115",
    "nested-definition",
    "refuses function and class definitions inside a workflow body",
    "Functions and classes are not values in the Waymark Runtime Language.",
    "def key(u):\n    return u.age",
    "Define a helper method on the workflow class, or a class at module level.",
)

TRY_FINALLY = _rule(
    "WM116",
    "try-finally",
    "no longer reported: `try/finally` is supported (it was refused before)",
    "The `finally` block runs on every way out of the `try` that the workflow itself takes: "
    "falling through, `return`, `break`, `continue` and exceptions, as in CPython. It does not "
    "run when an instance is cancelled from outside.",
    "try:\n    await charge(order)\nfinally:\n    await release(order)",
    "Nothing: the code compiles as written.",
)

ELSE_CLAUSE = _rule(
    "WM117",
    "else-clause",
    "no longer reported: `else` on `try`, `for` and `while` is supported (it was refused before)",
    "The clauses run exactly when CPython runs them.",
    "for user in users:\n    if user.admin:\n        break\nelse:\n    await notify()",
    "Nothing: the code compiles as written.",
)

RAISE_FROM = _rule(
    "WM118",
    "raise-from",
    "refuses `raise ... from ...`",
    "Exception chaining is not represented in the durable exception values.",
    "raise OrderError(order_id) from error",
    "`raise OrderError(order_id)`; include the cause in the message if it matters.",
)

DEL_STATEMENT = _rule(
    "WM119",
    "del-statement",
    "refuses `del` of an attribute",
    "`del name` and `del container[key]` run as in CPython. Removing an attribute from a "
    "model or dataclass leaves a value its class cannot rebuild from its fields.",
    "del order.note",
    "Build a new value without the attribute, or set it to `None`.",
)

ASSERT_STATEMENT = _rule(
    "WM120",
    "assert-statement",
    "no longer reported: `assert` is supported (it was refused before)",
    "`assert test, message` runs as CPython runs it by default: the message is evaluated only "
    "when the test fails, and `AssertionError(message)` is raised. The workflow is compiled "
    "from its source, so `python -O` does not remove it.",
    "assert total > 0, 'empty order'",
    "Nothing: the code compiles as written.",
)

WALRUS = _rule(
    "WM121",
    "walrus",
    "refuses assignment expressions (`:=`)",
    "Assignments are statements in the Waymark Runtime Language, so each one is a visible "
    "line in the compiled program.",
    "if (n := len(items)) > 10:\n    ...",
    "Assign on its own line first: `n = len(items)`.",
)

MUTABLE_GLOBAL = _rule(
    "WM122",
    "mutable-global",
    "refuses reading a module-level variable that is not a constant",
    "Module globals may change while instances are in flight and differ between processes; "
    "only values fixed at import time can be part of a compiled program. A constant is a "
    "name assigned exactly once at module level to a literal (numbers, strings, booleans, "
    "None, or tuples of those).",
    "RECIPIENTS = ['ops@example.com']\n...\nawait notify(RECIPIENTS)",
    "Use a tuple (`RECIPIENTS = ('ops@example.com',)`), an argument of `run()`, or fetch "
    "the value with an action.",
)

UNKNOWN_NAME = _rule(
    "WM123",
    "unknown-name",
    "refuses a name that is not a local variable, a parameter, a module-level definition "
    "or a builtin",
    "The name would fail with `NameError` when the workflow runs.",
    "return totl",
    "Fix the spelling, or define the name.",
)

UNKNOWN_FUNCTION = _rule(
    "WM124",
    "unknown-function",
    "refuses a call of a name that cannot be resolved statically",
    "The compiler finds actions and classes by reading source files, without importing "
    "them; a call it cannot resolve may be anything.",
    "await send_emial(user.email)",
    "Fix the spelling, or import the action from a module the compiler can find on the "
    "import path.",
)

UNSUPPORTED_PARAMETERS = _rule(
    "WM125",
    "unsupported-parameters",
    "refuses `*args`, `**kwargs` and positional-only parameters on `run()` and helper methods",
    "Workflow inputs are stored by name, so every parameter needs a stable name.",
    "async def run(self, *user_ids):",
    "Take a list: `async def run(self, user_ids: list[str])`.",
)

NON_CONSTANT_DEFAULT = _rule(
    "WM126",
    "non-constant-default",
    "refuses default values that are not constants",
    "Python evaluates a default once, when the method is defined; a mutable or computed "
    "default would be shared between calls in Python but not in the runtime.",
    "async def run(self, tags: list[str] = []):",
    "Default to `None` and assign inside the body: `tags = tags if tags is not None else []`.",
)

NON_CONSTANT_POLICY = _rule(
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

TIMEDELTA_FORM = _rule(
    "WM128",
    "timedelta-form",
    "no longer reported: positional `timedelta` arguments are supported (they were refused before)",
    "`timedelta(1, 30)` means what it means in CPython: one day and thirty seconds.",
    "timeout=timedelta(0, 30)",
    "Nothing: the code compiles as written.",
)

RUN_ACTION_FORM = _rule(
    "WM129",
    "run-action-form",
    "refuses `self.run_action` calls that are not `self.run_action(action(...), retry=, "
    "backoff=, timeout=)`",
    "The policy must be attached to exactly one action call.",
    "await self.run_action(call, retry=RetryPolicy(attempts=3))  # call is a variable",
    "Pass the action call directly: `self.run_action(send_email(to), retry=...)`.",
)

GATHER_FORM = _rule(
    "WM130",
    "gather-form",
    "refuses `asyncio.gather` items other than action calls, `self.run_action(...)` calls, "
    "async helper calls and `*[call for ...]` spreads of them, and a `return_exceptions` that "
    "is not a literal",
    "The runtime schedules gathered actions concurrently and must know them statically.",
    "await asyncio.gather(*calls)",
    "Spell the calls out, or spread a comprehension: `*[send_email(u.email) for u in users]`.",
)

SLEEP_FORM = _rule(
    "WM131",
    "sleep-form",
    "refuses `asyncio.sleep` with anything other than one duration argument",
    "A durable sleep takes a number of seconds; `result=` has no durable meaning.",
    "await asyncio.sleep(5, result='done')",
    "`await asyncio.sleep(5)`, then assign the value on the next line.",
)

ATTRIBUTE_ASSIGNMENT = _rule(
    "WM132",
    "attribute-assignment",
    "refuses assigning to attributes of module-level names (classes, modules, constants)",
    "A workflow may assign attributes of the values it holds (`order.status = 'paid'`), which "
    "runs as in CPython. A class or module attribute is shared by every instance and every "
    "process, so changing it from a workflow cannot be durable.",
    "Order.default_status = 'paid'",
    "Keep the value in a local variable, or pass it as an input.",
)

EXCEPT_TYPE = _rule(
    "WM133",
    "except-type",
    "refuses `except` clauses whose types are not statically known exception classes",
    "Exception matching happens in the runtime, by class name and bases, so the classes "
    "must be known when compiling.",
    "except ERRORS:",
    "Name the classes: `except (ValueError, KeyError):`.",
)

BARE_RAISE = _rule(
    "WM134",
    "bare-raise",
    "refuses a bare `raise` outside an `except` block",
    "There is no exception being handled to re-raise.",
    "raise",
    "Raise a specific exception: `raise ValueError('...')`.",
)

UNKNOWN_HELPER = _rule(
    "WM135",
    "unknown-helper",
    "refuses calls of methods of `self` that are not helper methods of the workflow class",
    "Only methods defined in the workflow class body are compiled.",
    "total = self.totl(items)",
    "Fix the spelling, or define the helper method in the class.",
)

UNKNOWN_ENUM_MEMBER = _rule(
    "WM136",
    "unknown-enum-member",
    "refuses an enum member that the enum class does not define",
    "The member would fail with `AttributeError` when the workflow runs.",
    "Color.REDD",
    "Fix the spelling.",
)

RESERVED_NAME = _rule(
    "WM137",
    "reserved-name",
    "refuses names starting with `_wm_`",
    "The compiler uses that prefix for the temporary names it introduces.",
    "_wm_result = await fetch()",
    "Rename the variable.",
)

STRING_FORMATTING = _rule(
    "WM138",
    "string-formatting",
    "refuses `str.format` unless the template is a string literal whose arguments are names or "
    "constants, each used by a field",
    "A template computed at run time looks fields up on arbitrary values in ways the runtime "
    "cannot reproduce for every type. A literal template is compiled to the f-string it "
    "means; its arguments must be names or constants so that evaluating them where the "
    "fields stand is the same as evaluating them first. (`%` formatting is supported.)",
    "message = template.format(name)",
    "Use an f-string (`f'hello {name}'`), `'hello {}'.format(name)` or `'hello %s' % name`.",
)

UNSUPPORTED_LITERAL = _rule(
    "WM139",
    "unsupported-literal",
    "refuses complex numbers, bytes and `...` literals",
    "Workflow values are JSON-shaped; these literals have no representation.",
    "payload = b'raw'",
    "Use a string, or produce the value inside an action.",
)

WORKFLOW_SHAPE = _rule(
    "WM140",
    "workflow-shape",
    "refuses a `@workflow` class whose shape is not supported",
    "A workflow is a subclass of `Workflow` with an `async def run(self, ...)`, plain "
    "helper methods, and optionally a literal `name`.",
    "@workflow\nclass Report:  # not a Workflow subclass\n    async def run(self): ...",
    "Subclass `waymark.Workflow`, define `async def run(self, ...)`, and keep decorators "
    "off helper methods.",
)

IMPURE_METHOD = _rule(
    "WM141",
    "impure-method",
    "refuses calling a method that is not a known pure method of str, list, dict, set or tuple",
    "Methods of user classes can do anything; the runtime only evaluates methods it "
    "implements exactly.",
    "summary = order.render()",
    "Call the method inside an action and await the action (helper methods follow the same "
    "rules as `run()`, so moving the call into one does not help).",
)

FUNCTION_VALUE = _rule(
    "WM142",
    "function-value",
    "refuses using a function, builtin or action as a value, except as the `key=` of `sorted`, "
    "`min` and `max`",
    "Functions are not values in the Waymark Runtime Language. A `key=` that is a pure "
    "builtin, a pure method of a value or a one-parameter lambda is compiled into the "
    "computation it stands for.",
    "measure = len",
    "Call the function where the value is needed, or compute the result in an action.",
)

DUPLICATE_WORKFLOW = _rule(
    "WM143",
    "duplicate-workflow",
    "refuses two `@workflow` classes in one module with the same workflow name",
    "Workflows are registered and stored by name; the second would replace the first.",
    "@workflow\nclass Report(Workflow): ...\n\n@workflow\nclass Report(Workflow): ...",
    'Rename one class, or give it a distinct `name = "..."` attribute.',
)

CLASS_VALUE = _rule(
    "WM144",
    "class-value",
    "refuses using a class as a value outside a call, `isinstance`, `except` or `match`",
    "Classes are not values in the Waymark Runtime Language.",
    "kind = Order",
    "Construct an instance (`Order(...)`), or compare with `isinstance`.",
)

ENUM_BY_VALUE = _rule(
    "WM145",
    "enum-by-value",
    "refuses constructing an enum member from a value (`Color('red')`)",
    "Looking a member up by value needs the enum class, which the runtime does not import.",
    "color = Color(raw)",
    "Use the member directly (`Color.RED`), or convert the value inside an action.",
)

UNSUPPORTED_STATEMENT = _rule(
    "WM146",
    "unsupported-statement",
    "refuses a statement kind the language does not support",
    "The compiled program must mean exactly what the Python means.",
    "type Alias = int",
    "Rewrite the statement with the supported constructs listed in docs/language.md.",
)

LOCAL_DEFINITION = _rule(
    "WM147",
    "local-definition",
    "refuses using an action or a class defined inside a function",
    "Workers find actions, and the runtime finds classes, by their import path "
    "(`module:QualName`); a definition inside a function has no such path.",
    "def build():\n    @action\n    async def shout(text: str) -> str: ...",
    "Define actions, models and exceptions at module level.",
)

NESTED_TOO_DEEPLY = _rule(
    "WM148",
    "nested-too-deeply",
    "refuses expressions and blocks nested more than 100 levels deep (a sum of more than "
    "about 100 terms counts as that many levels)",
    "The runtime prints, parses and evaluates a program by walking it once per level of "
    "nesting, and every phase must cope with whatever the compiler accepts, so one limit "
    "holds for all of them. The whole module is measured, since the compiler reads it all.",
    "return a + b + c + d + ...  # 300 terms",
    "Split the expression with intermediate variables (`subtotal = a + b + ...`), or move "
    "part of it into a helper method.",
)

IDENTITY_COMPARISON = _rule(
    "WM149",
    "identity-comparison",
    "refuses `is` and `is not` unless one side is `None`, `True`, `False` or an enum member",
    "Values travel between processes as JSON and are rebuilt, so two values that are one object "
    "in plain Python are two objects in the runtime: the answer of `is` would differ.",
    "if first is second:",
    "Compare with `==` (or `!=`); `x is None` and `status is Status.PAID` stay allowed.",
)

SYNC_ACTION = _rule(
    "WM151",
    "sync-action",
    "refuses an `@action` defined with `def` instead of `async def`",
    "Workers await every action; a plain function's result cannot be awaited, so each call "
    "of it would fail at run time.",
    "@action\ndef send_email(to: str) -> None: ...",
    "Define it with `async def`; run blocking work with `await asyncio.to_thread(...)`.",
)

UNREACHABLE_CODE = _rule(
    "WM150",
    "unreachable-code",
    "warns about statements that can never run (after `return`, `raise`, `break` or "
    "`continue` in the same block)",
    "They compile, but they are dead weight in the program and usually a mistake.",
    "return total\nawait notify(total)",
    "Delete the statements, or move them before the jump.",
)

CHILD_WORKFLOW_FORM = _rule(
    "WM160",
    "child-workflow-form",
    "refuses a child workflow call whose form the runtime cannot start: inputs passed by "
    "position or to the constructor, or a `_blocking` that is not a literal",
    "A child instance is created from its inputs by name (the parameters of its `run()`), "
    "and whether the parent waits for it must be known when compiling.",
    "total = await Factorial().run(n - 1)",
    "Pass each input by keyword: `await Factorial().run(n=n - 1)`; start a detached child "
    "with `_blocking=False`.",
)

WORKFLOW_LOG = _rule(
    "WM170",
    "workflow-log",
    "refuses a use of the workflow logger `self.log` that the runtime cannot record: a "
    "method other than `debug`, `info`, `warning`, `error` and `critical`, keyword "
    "arguments, a missing message or one that is a literal other than a string, awaiting "
    "it, or using the logger or its result as a value",
    "A log line is a statement of the compiled program: its message and arguments are "
    "evaluated by the runtime, formatted as `logging` formats a record, and recorded with "
    "the step that wrote it, so it is shown once however often the instance resumes. "
    "`exc_info=`, `extra=` and the like name things of the process that runs `run()`, which "
    "a compiled workflow does not have.",
    "await self.log.info('charged %s', order.id)\nself.log.exception('failed')",
    "Write it as a statement with a string message and positional arguments: "
    "`self.log.info('charged %s', order.id)`; inside `except ... as err`, log the error as "
    "an argument: `self.log.error('charge failed: %s', err)`.",
)

SIGNAL_FORM = _rule(
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

_ALL: tuple[Rule, ...] = (
    SYNTAX_ERROR,
    UNSUPPORTED_CALL,
    AWAIT_NON_ACTION,
    NONDETERMINISTIC_CALL,
    CONCURRENCY_PRIMITIVE,
    NESTED_AWAIT,
    ACTION_NOT_AWAITED,
    SELF_MUTATION,
    SELF_READ,
    GLOBAL_STATEMENT,
    YIELD,
    LAMBDA,
    WITH_STATEMENT,
    ASYNC_FOR,
    IMPORT_IN_BODY,
    NESTED_DEFINITION,
    TRY_FINALLY,
    ELSE_CLAUSE,
    RAISE_FROM,
    DEL_STATEMENT,
    ASSERT_STATEMENT,
    WALRUS,
    MUTABLE_GLOBAL,
    UNKNOWN_NAME,
    UNKNOWN_FUNCTION,
    UNSUPPORTED_PARAMETERS,
    NON_CONSTANT_DEFAULT,
    NON_CONSTANT_POLICY,
    TIMEDELTA_FORM,
    RUN_ACTION_FORM,
    GATHER_FORM,
    SLEEP_FORM,
    SIGNAL_FORM,
    ATTRIBUTE_ASSIGNMENT,
    EXCEPT_TYPE,
    BARE_RAISE,
    UNKNOWN_HELPER,
    UNKNOWN_ENUM_MEMBER,
    RESERVED_NAME,
    STRING_FORMATTING,
    UNSUPPORTED_LITERAL,
    WORKFLOW_SHAPE,
    IMPURE_METHOD,
    FUNCTION_VALUE,
    DUPLICATE_WORKFLOW,
    CLASS_VALUE,
    ENUM_BY_VALUE,
    UNSUPPORTED_STATEMENT,
    LOCAL_DEFINITION,
    NESTED_TOO_DEEPLY,
    IDENTITY_COMPARISON,
    UNREACHABLE_CODE,
    SYNC_ACTION,
    CHILD_WORKFLOW_FORM,
    WORKFLOW_LOG,
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _ALL})

# Codes of constructs that are supported now: kept (a code never changes meaning), never reported.
RETIRED: frozenset[str] = frozenset(
    {TRY_FINALLY.code, ELSE_CLAUSE.code, TIMEDELTA_FORM.code, ASSERT_STATEMENT.code}
)
