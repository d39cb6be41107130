"""The lowering phase: libcst `@workflow` classes to the IR of `waymark_runtime.ir`.

Importing this package registers every `lower_<Node>` function with the dispatch tables.
"""

from waymark_compiler.lower import (
    calls,
    comprehensions,
    except_star,
    expressions,
    flow,
    names,
    operations,
    restricted_statements,
    statements,
    strings,
)
from waymark_compiler.lower.workflow import lower_workflow

__all__ = [
    "calls",
    "comprehensions",
    "except_star",
    "expressions",
    "flow",
    "lower_workflow",
    "names",
    "operations",
    "restricted_statements",
    "statements",
    "strings",
]
