"""Rules for what an expression of a workflow may compute: calls, values and literals.

Each entry is data only; the lowering of expressions and calls raises them. It must not hold
rules about awaits, statements or the workflow class (they have modules of their own).
"""

from __future__ import annotations

from waymark_compiler.rules.rule import rule

_COMPILE_ONCE = (
    "A workflow body is compiled once and never re-executed; only actions run on workers. "
    "Anything whose result could differ between two runs, or that touches the outside world, "
    "would be evaluated by the runtime at an arbitrary time and place."
)

UNSUPPORTED_CALL = rule(
    "WM101",
    "unsupported-call",
    "refuses a call of something that is not an action, a pure builtin, a pure method, a "
    "helper method, a plain function of the user's own modules or a model class, and a class "
    "with `__slots__` constructed or used as a value",
    "The runtime only evaluates functions it knows to be pure and deterministic; an "
    "arbitrary function could do I/O or depend on hidden state. A plain instance is kept as "
    "its `__dict__`, which an instance of a class with `__slots__` has not. " + _COMPILE_ONCE,
    "width = shutil.get_terminal_size()  # a function of the standard library or a package",
    "Make the function an `@action` and await it, or write it as a plain function of your own "
    "code (it is compiled with the workflow), or as a helper method of the workflow class.",
)

NONDETERMINISTIC_CALL = rule(
    "WM103",
    "nondeterministic-call",
    "refuses reading clocks, randomness, the environment and doing I/O in a workflow body",
    _COMPILE_ONCE,
    "now = datetime.now()\ntoken = uuid.uuid4()",
    "Do it inside an action (`now = await current_time()`), or pass the value in as an "
    "input of `run()`.",
)

LAMBDA = rule(
    "WM111",
    "lambda",
    "refuses `lambda`, except as the `key=` of `sorted`, `min`, `max` and `list.sort`, the "
    "function of `map`, `filter` and `functools.reduce`, a `defaultdict` factory giving an empty or zero value (`lambda: 0`), "
    "a lambda assigned to a name (compiled as a nested `def`), one kept in a display, "
    "returned or passed to a function of your own code (a closure), and one made in a list, "
    "set or dict comprehension",
    "A lambda is not a value in the Waymark Runtime Language; a lambda passed to an action "
    "would have to run in another process.",
    "await apply_rule(lambda x: x + 1, value)",
    "Compute the value with a comprehension, a helper method or an action.",
)

STRING_FORMATTING = rule(
    "WM138",
    "string-formatting",
    "refuses a literal `str.format` template whose field reads a special attribute, and "
    "`format()` with other than a value and a spec",
    "`'{0.__class__}'.format(x)` reaches into the runtime's own objects rather than the "
    "workflow's values; any other template, literal or computed at run time, is formatted as "
    "Python formats it.",
    "label = '{0.__class__}'.format(error)",
    "Format the value's own fields (`'{0.code}'.format(error)`), or an f-string.",
)


UNSUPPORTED_LITERAL = rule(
    "WM139",
    "unsupported-literal",
    "refuses complex numbers, bytes and `...` literals, displays of more than 10,000 items, "
    "calls of more than 10,000 arguments and integers of more than 10,000 digits in workflow "
    "code, and programs longer than 2,000,000 characters",
    "Workflow values are JSON-shaped; these literals have no representation. A list, tuple, "
    "set or dict display of more than 10,000 items in workflow code (`run()`, its helpers, or a "
    "module constant or class attribute they read, also one a base class in another module "
    "holds) would be copied into the workflow's program, slow to load at every step; so would "
    "a call written with more than 10,000 arguments. The same table elsewhere (read only by "
    "actions) is fine. An integer of more than 10,000 digits (a hexadecimal literal has no "
    "limit in Python) and a program of more than 2,000,000 characters of `.wrl` text are "
    "refused too: the runtime reads the program again whenever it loads it, and reading digits "
    "takes time quadratic in their count.",
    "payload = b'raw'",
    "Use a string, or produce the value inside an action; look large tables up in an action.",
)

IMPURE_METHOD = rule(
    "WM141",
    "impure-method",
    "refuses calling a method that is not a known pure method of str, list, dict, set or tuple, "
    "nor a plain method of a model, dataclass, named tuple, plain class or exception class of "
    "the workflow's module",
    "The runtime only evaluates methods it implements exactly, and the methods of the user's "
    "own models, dataclasses, named tuples, plain classes and exceptions, which it compiles "
    "with the workflow under the "
    "same rules; a method of any other object can do anything.",
    "summary = client.render()",
    "Call the method inside an action and await the action (helper methods follow the same "
    "rules as `run()`, so moving the call into one does not help).",
)

FUNCTION_VALUE = rule(
    "WM142",
    "function-value",
    "refuses using a builtin, a function of the standard library or an installed package, a "
    "decorated function, or a table of "
    "functions that is not constant as a value, except as the `key=` of `sorted`, `min`, `max` "
    "and `list.sort`, the function of "
    "`map`, `filter` and `functools.reduce` and the replacement of `re.sub`/`re.subn` and of a "
    "compiled pattern's `sub`/`subn`",
    "The functions that are values in the Waymark Runtime Language are actions (stored by "
    "import path) and the workflow's own helpers (plain functions of the user's code and helper "
    "methods, stored by helper name; a local function that reads its method's variables is "
    "a partial of its helper holding their cells); a constant module-level table may hold "
    "them. A "
    "`key=` that is a pure builtin, a pure method of a value or a one-parameter lambda is "
    "compiled into the computation it stands for.",
    "measure = len",
    "Call the function where the value is needed, wrap it in a function of your own code, make "
    "it an `@action` if it is work to dispatch by value, or compute the result in an action.",
)

CLASS_VALUE = rule(
    "WM144",
    "class-value",
    "refuses using a class as a value outside a call, `isinstance`, `except` or `match`, "
    "unless it is a model, dataclass, named tuple or plain class of your code",
    "Only the classes a workflow constructs are values in the Waymark Runtime Language (to be "
    "called, compared, named); a class it cannot construct has no use as one.",
    "kind = Registry  # class Registry(dict): ...",
    "Construct an instance (`Registry(...)`), or compare with `isinstance`.",
)

ENUM_BY_VALUE = rule(
    "WM145",
    "enum-by-value",
    "refuses looking an enum member up by value (`Color(raw)`) when a member's value is not "
    "a literal or a standard `auto()` (a computed value, `auto()` with a mixin or a class's "
    "own `_generate_next_value_`), or with other than one positional argument",
    "`Color(raw)` is compiled into a table of the class's values, read in its source: a value "
    "the compiler cannot read would be missing from it.",
    "class Color(Enum):\n    RED = rgb(255, 0, 0)\n...\ncolor = Color(raw)",
    "Write the members' values as literals, use a member directly (`Color.RED`), or convert "
    "the value inside an action.",
)

IDENTITY_COMPARISON = rule(
    "WM149",
    "identity-comparison",
    "refuses `is` and `is not` with a literal (but `None`, `True`, `False`), an f-string, a "
    "tuple display, a builtin's number or text (`len(x)`, `str(x)`) or a module-level table "
    "or its item (a workflow reads each as a fresh copy) on one side, unless the "
    "other side is a singleton: `None`, `True`, `False`, an enum member, a class, `type(x)`, a "
    "local variable only ever assigned classes, or a function named as such",
    "CPython leaves the identity of equal numbers, strings and tuples to its caches (it warns "
    '`"is" with a literal`), and the runtime rebuilds such values from JSON after an await: '
    "the answers could differ. Objects a workflow holds (lists, dicts, sets, instances of your "
    "classes) keep their identity across awaits and compare with `is` as in Python; `is` "
    "between two numbers or strings held in variables fails the instance when it runs.",
    'if code is "A1":',
    "Compare with `==` (or `!=`); `x is None`, `status is Status.PAID`, `kind is str` and "
    "`first is second` for two lists or instances stay allowed.",
)

SPECIAL_ATTRIBUTE = rule(
    "WM152",
    "special-attribute",
    "refuses reading or assigning a special (dunder) attribute of a value, such as "
    "`error.__traceback__` or `value.__class__`, except the class name "
    "`type(value).__name__` / `value.__class__.__name__`, a function value's `__name__` and "
    "`__qualname__` (`tool.__name__`), and reading an exception's chain (`__cause__`, "
    "`__context__`, `__suppress_context__`)",
    "A value in a workflow is its data, rebuilt from JSON after every await: an exception keeps "
    "its class, message, args, attributes and chain but not its traceback or notes, and "
    "classes, dicts of attributes and methods are not values. CPython would find such an "
    "attribute; the runtime would fail with an `AttributeError` only when the line ran. The "
    "chain is set by `raise` only.",
    "except PaymentError as error:\n    where = error.__traceback__\n    kind = error.__class__",
    "Pass what the handler needs in the exception's args or an attribute "
    "(`raise PaymentError(str(cause), cause.code)`); read the class name with "
    "`type(error).__name__` and test the class with `isinstance` or an `except` clause; chain "
    "with `raise ... from cause`.",
)
