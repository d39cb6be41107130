"""Rules for the statements of the language: which Python statements a workflow body may use,
and the checks on blocks as a whole (syntax, nesting depth, unreachable code).

Each entry is data only; the lowering of statements and the whole-module checks raise them.
It must not hold rules about calls, awaits or names.
"""

from __future__ import annotations

from waymark_compiler.rules.rule import rule

SYNTAX_ERROR = rule(
    "WM100",
    "syntax-error",
    "refuses a module whose Python source does not compile",
    "Python itself rejects the source, so there is nothing to compile.",
    "async def run(self)\n    return 1",
    "Fix the syntax error reported by Python.",
)

GLOBAL_STATEMENT = rule(
    "WM109",
    "global-statement",
    "refuses `global` and `nonlocal`",
    "Module state is not part of an instance's durable state and is not shared between the "
    "processes that advance it.",
    "global counter",
    "Keep the value in a local variable and return it.",
)

YIELD = rule(
    "WM110",
    "yield",
    "refuses `yield` in `run()` and async helpers, and `yield` where closing the generator "
    "would run code (a `try` with `finally` or catching `GeneratorExit`)",
    "A workflow's `run()` returns one value, and an async generator has no durable "
    "representation. A synchronous helper (a method or a plain function) may be a "
    "generator: `yield x` and `yield from xs` anywhere an expression may be, with what "
    "`send` gives as the value of `yield` and the delegated generator's return value as the "
    "value of `yield from`. A `yield` whose `try` has a `finally` or an `except` that catches "
    "`GeneratorExit` is not supported: CPython runs them when it closes a generator a loop "
    "left early.",
    "async def run(self, xs):\n    for x in xs:\n        yield x",
    "Yield from a synchronous helper, or collect the values in a list and return it.",
)

WITH_STATEMENT = rule(
    "WM112",
    "with-statement",
    "refuses `with` and `async with`, except `with contextlib.suppress(...)`",
    "Context managers acquire and release outside resources, which only actions may hold. "
    "`with contextlib.suppress(KeyError):` holds none: it is the `try`/`except ...: pass` it "
    "stands for.",
    "async with session() as s:\n    ...",
    "Open the resource inside an action.",
)

ASYNC_FOR = rule(
    "WM113",
    "async-for",
    "refuses `async for` and asynchronous comprehensions",
    "Asynchronous iterators pull from the outside world without a durable record.",
    "async for row in stream():\n    ...",
    "Fetch the rows with an action that returns a list, then use a plain `for`.",
)

IMPORT_IN_BODY = rule(
    "WM114",
    "import-in-body",
    "refuses imports inside a workflow body",
    "Importing runs module code; the runtime never imports on a program's behalf.",
    "import json",
    "Import at the top of the module.",
)

NESTED_DEFINITION = rule(
    "WM115",
    "nested-definition",
    "refuses class definitions, and functions that cannot be helpers, inside a workflow body",
    "Classes are not values in the Waymark Runtime Language. A nested function is compiled as "
    "a helper method that is passed the variables it reads; it cannot be one when it is "
    "decorated, declares `global`, is defined more than once, or is inside a "
    "`@staticmethod` or a decorated module function. A variable a closure keeps (in a cell) "
    "must be bound with `=` (or unbound with `del`), not by `except ... as`, `:=` or a `case` "
    "pattern.",
    "def bump():\n    global COUNT\n    COUNT += 1",
    "Return the new value instead of rebinding it (`count = bump(count)`), define a helper "
    "method on the workflow class, or a class at module level.",
)

TRY_FINALLY = rule(
    "WM116",
    "try-finally",
    "no longer reported: `try/finally` is supported (it was refused before)",
    "The `finally` block runs on every way out of the `try` that the workflow itself takes: "
    "falling through, `return`, `break`, `continue` and exceptions, as in CPython. It does not "
    "run when an instance is cancelled from outside.",
    "try:\n    await charge(order)\nfinally:\n    await release(order)",
    "Nothing: the code compiles as written.",
)

ELSE_CLAUSE = rule(
    "WM117",
    "else-clause",
    "no longer reported: `else` on `try`, `for` and `while` is supported (it was refused before)",
    "The clauses run exactly when CPython runs them.",
    "for user in users:\n    if user.admin:\n        break\nelse:\n    await notify()",
    "Nothing: the code compiles as written.",
)

RAISE_FROM = rule(
    "WM118",
    "raise-from",
    "no longer reported: `raise ... from ...` is supported (it was refused before)",
    "The cause is evaluated and checked as in CPython (`from 5` raises `TypeError`) and kept "
    "as the exception's `__cause__`, with `__suppress_context__` set, as in CPython.",
    "except KeyError as error:\n    raise OrderError(order_id) from error",
    "Nothing: the code compiles as written.",
)

DEL_STATEMENT = rule(
    "WM119",
    "del-statement",
    "refuses `del` of an attribute",
    "`del name` and `del container[key]` run as in CPython. Removing an attribute from a "
    "model or dataclass leaves a value its class cannot rebuild from its fields.",
    "del order.note",
    "Build a new value without the attribute, or set it to `None`.",
)

ASSERT_STATEMENT = rule(
    "WM120",
    "assert-statement",
    "no longer reported: `assert` is supported (it was refused before)",
    "`assert test, message` runs as CPython runs it by default: the message is evaluated only "
    "when the test fails, and `AssertionError(message)` is raised. The workflow is compiled "
    "from its source, so `python -O` does not remove it.",
    "assert total > 0, 'empty order'",
    "Nothing: the code compiles as written.",
)

WALRUS = rule(
    "WM121",
    "walrus",
    "refuses assignment expressions (`:=`) inside a lambda",
    "`(n := len(items))` binds a variable of the function as in CPython, also from inside a "
    "comprehension (`[y for x in xs if (y := x.strip())]`, and `y` keeps its last value "
    "afterwards). Inside a lambda it would bind one of the lambda's own, which the runtime "
    "does not do.",
    "items.sort(key=lambda x: (n := len(x)) * n)",
    "Compute the value in the lambda's expression without naming it, or use a helper function.",
)

ATTRIBUTE_ASSIGNMENT = rule(
    "WM132",
    "attribute-assignment",
    "refuses assigning to attributes of module-level names (classes, modules, constants) and "
    "changing a module-level table (an item assignment, `del`, or a method such as `append`), "
    "also through a local variable that holds it",
    "A workflow may assign attributes of the values it holds (`order.status = 'paid'`), which "
    "runs as in CPython. A class or module attribute is shared by every instance and every "
    "process, so changing it from a workflow cannot be durable.",
    "Order.default_status = 'paid'",
    "Keep the value in a local variable, or pass it as an input.",
)

EXCEPT_TYPE = rule(
    "WM133",
    "except-type",
    "refuses `except` clauses whose types are not statically known exception classes",
    "Exception matching happens in the runtime, by class name and bases, so the classes "
    "must be known when compiling: named in the clause, or a tuple of them bound once to a "
    "module-level name (`RETRYABLE = (ValueError, KeyError)`).",
    "except errors_for(kind):",
    "Name the classes: `except (ValueError, KeyError):`.",
)

BARE_RAISE = rule(
    "WM134",
    "bare-raise",
    "refuses a bare `raise` outside an `except` block",
    "There is no exception being handled to re-raise.",
    "raise",
    "Raise a specific exception: `raise ValueError('...')`.",
)

UNSUPPORTED_STATEMENT = rule(
    "WM146",
    "unsupported-statement",
    "refuses a statement kind the language does not support",
    "The compiled program must mean exactly what the Python means.",
    "type Alias = int",
    "Rewrite the statement with the supported constructs listed in docs/language.md.",
)

NESTED_TOO_DEEPLY = rule(
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

UNREACHABLE_CODE = rule(
    "WM150",
    "unreachable-code",
    "warns about statements that can never run (after `return`, `raise`, `break` or "
    "`continue` in the same block)",
    "They compile, but they are dead weight in the program and usually a mistake.",
    "return total\nawait notify(total)",
    "Delete the statements, or move them before the jump.",
)
