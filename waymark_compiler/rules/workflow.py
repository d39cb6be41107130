"""Rules for the `@workflow` class itself: its shape, `run()` and helper signatures, what
`self` may be used for, and its logger.

Each entry is data only; the lowering of the class raises them. It must not hold rules about
the statements or expressions of a body.
"""

from __future__ import annotations

from waymark_compiler.rules.rule import rule

SELF_MUTATION = rule(
    "WM107",
    "self-mutation",
    "refuses assigning to `self`, to an attribute the class sets, a method or a special "
    "attribute of `self`, and to attributes of `cls`",
    "Attributes a run sets on `self` are kept with the instance; those of the class are "
    "constants inlined where they are read, and `cls` is shared by every instance.",
    "LIMIT = 3\n\nasync def run(self) -> None:\n    self.LIMIT = 5",
    "Keep the run's changing state in another attribute (`self.limit = 5`) or a local variable.",
)

SELF_READ = rule(
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

UNSUPPORTED_PARAMETERS = rule(
    "WM125",
    "unsupported-parameters",
    "refuses `*args` and `**kwargs` on `run()`, and positional-only parameters on `run()` and "
    "helpers",
    "Workflow inputs are stored by name, so every parameter of `run()` needs a stable name. "
    "Helpers (helper methods and functions of your own code) may take `*args` and `**kwargs`.",
    "async def run(self, *user_ids):",
    "Take a list: `async def run(self, user_ids: list[str])`.",
)

NON_CONSTANT_DEFAULT = rule(
    "WM126",
    "non-constant-default",
    "refuses default values that are not constants, except those of a function defined in a "
    "method that read the method's variables; and calls of such a function with `*` or `**` "
    "arguments",
    "Python evaluates a default once, when the method is defined; a mutable or computed "
    "default would be shared between calls in Python but not in the runtime. A function "
    "defined inside a method (`def markup(p, flex=tier is Tier.FLEX)` in `run()`) is the "
    "exception: its defaults that read the method's variables are evaluated where the `def` "
    "runs, as in Python, and each call that leaves one out is given that value, which needs "
    "the call's arguments spelled out.",
    "async def run(self, tags: list[str] = []):",
    "Default to `None` and assign inside the body: `tags = tags if tags is not None else []`.",
)

WORKFLOW_SHAPE = rule(
    "WM140",
    "workflow-shape",
    "refuses a `@workflow` class whose shape is not supported, and `@workflow` on a function",
    "A workflow is a subclass of `Workflow` with an `async def run(self, ...)`, plain "
    "helper methods, and optionally a literal `name`.",
    "@workflow\nclass Report:  # not a Workflow subclass\n    async def run(self): ...",
    "Subclass `waymark.Workflow`, define `async def run(self, ...)`, and keep decorators "
    "off helper methods.",
)

DUPLICATE_WORKFLOW = rule(
    "WM143",
    "duplicate-workflow",
    "refuses two `@workflow` classes in one module with the same workflow name",
    "Workflows are registered and stored by name; the second would replace the first.",
    "@workflow\nclass Report(Workflow): ...\n\n@workflow\nclass Report(Workflow): ...",
    'Rename one class, or give it a distinct `name = "..."` attribute.',
)

WORKFLOW_LOG = rule(
    "WM170",
    "workflow-log",
    "refuses a use of the workflow logger `self.log` that the runtime cannot record: a "
    "method other than `debug`, `info`, `warning`, `error`, `critical` and `exception`, keyword "
    "arguments, a missing message or one that is a literal other than a string, awaiting "
    "it, or using the logger or its result as a value",
    "A log line is a statement of the compiled program: its message and arguments are "
    "evaluated by the runtime, formatted as `logging` formats a record, and recorded with "
    "the step that wrote it, so it is shown once however often the instance resumes. "
    "`exc_info=`, `extra=` and the like name things of the process that runs `run()`, which "
    "a compiled workflow does not have.",
    "await self.log.info('charged %s', order.id)\nself.log.error('failed', exc_info=True)",
    "Write it as a statement with a string message and positional arguments: "
    "`self.log.info('charged %s', order.id)`; inside `except`, `self.log.exception('charge "
    "failed')` adds the exception being handled, as `exc_info=True` would.",
)

WORKFLOW_DECORATOR = rule(
    "WM172",
    "workflow-decorator",
    "refuses `workflow` applied to a class in a form other than `@workflow` or "
    "`@workflow(...)`, and warns about a `Workflow` subclass whose decorator is not a dotted "
    "name or a call of one",
    "The compiler finds workflows by reading the source, never by running it: it knows a class "
    "is a workflow when a decorator of the class is `workflow` itself (under any import alias), "
    "alone or called. A lambda, a subscript or a factory that applies `workflow` is only known "
    "once the module runs, so `waymark compile` would not see a class that importing the module "
    "tries to compile.",
    "@(lambda cls: workflow(cls))\nclass Report(Workflow): ...\n\n"
    "@DECORATORS[0]\nclass Weekly(Workflow): ...",
    "Write `@workflow` or `@workflow(concurrency=...)` directly above the class.",
)
