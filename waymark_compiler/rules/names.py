"""Rules for names: what a name in a workflow body may refer to and where it must be defined.

Each entry is data only; name resolution in the lowering raises them. It must not hold rules
about what is done with a value once resolved.
"""

from __future__ import annotations

from waymark_compiler.rules.rule import rule

MUTABLE_GLOBAL = rule(
    "WM122",
    "mutable-global",
    "refuses reading a module-level variable that is not a constant, or a mutable class "
    "attribute of a plain class (`seen = []`) that the instance does not shadow",
    "Module globals may change while instances are in flight and differ between processes; "
    "only values fixed at import time can be part of a compiled program. A constant is a "
    "name assigned exactly once at module level to a literal (numbers, strings, booleans, "
    "None, or tuples of those), or a table: a dict, list or set of those (up to 256 items), "
    "which a workflow reads as a fresh copy and may not change.",
    "RECIPIENTS = load_recipients()\n...\nawait notify(RECIPIENTS)",
    "Write the value as a literal (`RECIPIENTS = ('ops@example.com',)`), pass it as an "
    "argument of `run()`, or fetch it with an action.",
)

UNKNOWN_NAME = rule(
    "WM123",
    "unknown-name",
    "refuses a name that is not a local variable, a parameter, a module-level definition "
    "or a builtin",
    "The name would fail with `NameError` when the workflow runs.",
    "return totl",
    "Fix the spelling, or define the name.",
)

UNKNOWN_FUNCTION = rule(
    "WM124",
    "unknown-function",
    "refuses a call of a name that cannot be resolved statically",
    "The compiler finds actions and classes by reading source files, without importing "
    "them; a call it cannot resolve may be anything.",
    "await send_emial(user.email)",
    "Fix the spelling, or import the action from a module the compiler can find on the "
    "import path.",
)

UNKNOWN_HELPER = rule(
    "WM135",
    "unknown-helper",
    "refuses calls of methods of `self` that are not helper methods of the workflow class",
    "Only methods defined in the workflow class body are compiled.",
    "total = self.totl(items)",
    "Fix the spelling, or define the helper method in the class.",
)

UNKNOWN_ENUM_MEMBER = rule(
    "WM136",
    "unknown-enum-member",
    "refuses an enum member that the enum class does not define",
    "The member would fail with `AttributeError` when the workflow runs.",
    "Color.REDD",
    "Fix the spelling.",
)

RESERVED_NAME = rule(
    "WM137",
    "reserved-name",
    "refuses names starting with `_wm_`",
    "The compiler uses that prefix for the temporary names it introduces.",
    "_wm_result = await fetch()",
    "Rename the variable.",
)

LOCAL_DEFINITION = rule(
    "WM147",
    "local-definition",
    "refuses using an action or a class defined inside a function",
    "Workers find actions, and the runtime finds classes, by their import path "
    "(`module:QualName`); a definition inside a function has no such path.",
    "def build():\n    @action\n    async def shout(text: str) -> str: ...",
    "Define actions, models and exceptions at module level.",
)
