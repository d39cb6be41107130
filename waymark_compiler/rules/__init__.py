"""The catalogue of compiler rules: one stable code per refused construct, with its explanation.

Codes never change meaning once published; `waymark compile --explain WM101` prints the entry.
Rules are defined beside the others of their construct (`expressions`, `operations`, `names`,
`statements`, `workflow`); this module lists them all. Data only: the checks that raise these codes
live in the lowering phases.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from waymark_compiler.rules import expressions, names, operations, statements, workflow
from waymark_compiler.rules.rule import Rule

_ALL: tuple[Rule, ...] = (
    statements.SYNTAX_ERROR,
    expressions.UNSUPPORTED_CALL,
    operations.AWAIT_NON_ACTION,
    expressions.NONDETERMINISTIC_CALL,
    operations.CONCURRENCY_PRIMITIVE,
    operations.NESTED_AWAIT,
    operations.ACTION_NOT_AWAITED,
    workflow.SELF_MUTATION,
    workflow.SELF_READ,
    statements.GLOBAL_STATEMENT,
    statements.YIELD,
    expressions.LAMBDA,
    statements.WITH_STATEMENT,
    statements.ASYNC_FOR,
    statements.IMPORT_IN_BODY,
    statements.NESTED_DEFINITION,
    statements.TRY_FINALLY,
    statements.ELSE_CLAUSE,
    statements.RAISE_FROM,
    statements.DEL_STATEMENT,
    statements.ASSERT_STATEMENT,
    statements.WALRUS,
    names.MUTABLE_GLOBAL,
    names.UNKNOWN_NAME,
    names.UNKNOWN_FUNCTION,
    workflow.UNSUPPORTED_PARAMETERS,
    workflow.NON_CONSTANT_DEFAULT,
    operations.NON_CONSTANT_POLICY,
    operations.TIMEDELTA_FORM,
    operations.RUN_ACTION_FORM,
    operations.GATHER_FORM,
    operations.SLEEP_FORM,
    operations.SIGNAL_FORM,
    statements.ATTRIBUTE_ASSIGNMENT,
    statements.EXCEPT_TYPE,
    statements.BARE_RAISE,
    names.UNKNOWN_HELPER,
    names.UNKNOWN_ENUM_MEMBER,
    names.RESERVED_NAME,
    expressions.STRING_FORMATTING,
    expressions.UNSUPPORTED_LITERAL,
    workflow.WORKFLOW_SHAPE,
    expressions.IMPURE_METHOD,
    expressions.FUNCTION_VALUE,
    workflow.DUPLICATE_WORKFLOW,
    expressions.CLASS_VALUE,
    expressions.ENUM_BY_VALUE,
    statements.UNSUPPORTED_STATEMENT,
    names.LOCAL_DEFINITION,
    statements.NESTED_TOO_DEEPLY,
    expressions.IDENTITY_COMPARISON,
    statements.UNREACHABLE_CODE,
    operations.SYNC_ACTION,
    expressions.SPECIAL_ATTRIBUTE,
    operations.CHILD_WORKFLOW_FORM,
    workflow.WORKFLOW_LOG,
    workflow.WORKFLOW_DECORATOR,
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _ALL})

# Codes of constructs that are supported now: kept (a code never changes meaning), never reported.
RETIRED: frozenset[str] = frozenset(
    {
        statements.TRY_FINALLY.code,
        statements.ELSE_CLAUSE.code,
        operations.TIMEDELTA_FORM.code,
        statements.ASSERT_STATEMENT.code,
        statements.RAISE_FROM.code,
    }
)
