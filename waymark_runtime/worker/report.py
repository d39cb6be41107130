"""The runner's log lines for failures an operator must see (failed attempts and instances)
and the lines workflows write with `self.log` (logger `waymark.workflow`).

An attempt's failure is logged once the step that read it is planned, so the line says whether
it will be retried (the step planned the next attempt of the same node), and counted in the
metrics then. Only failures are logged: a successful attempt costs nothing here. Every line carries its fields as `extra`
(`instance_id`, `workflow`, `action`, `attempt`, `attempts`, `error_type`, `error`, `retry`), for
`WAYMARK_LOG_FORMAT=json`.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from waymark_runtime import metrics
from waymark_runtime.engine import StepCommit
from waymark_runtime.held import Held
from waymark_runtime.values.text import shown_text

log = logging.getLogger("waymark.runner")
workflow_log = logging.getLogger("waymark.workflow")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
           "error": logging.ERROR, "critical": logging.CRITICAL}  # fmt: skip


def error_parts(error: Any) -> tuple[str, str]:
    """The short type name and message of a stored exception value (lone surrogates escaped:
    a log handler must be able to encode the line)."""
    if not isinstance(error, dict) or error.get("$t") != "exception":
        return "Error", _loggable(shown_text(error))
    kind = _loggable(str(error.get("type", "?")).rpartition(":")[2])
    return kind, _loggable(shown_text(error.get("message", "")))


_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


_SHOWN = 2_000  # characters of a message a log line shows


def _loggable(text: str) -> str:
    """`text` with control, format (bidi) and surrogate characters escaped: a stored message
    or name can neither forge log lines nor drive a terminal, and every handler encodes it.
    Past `_SHOWN` characters it is cut: a line for each failure of a huge message would stall
    the runner writing it (the whole message stays stored with its attempt)."""
    if len(text) > _SHOWN:
        text = f"{text[:_SHOWN]}... ({len(text) - _SHOWN:,} more characters)"
    if text.isprintable():
        return text
    return "".join(_escaped(c) if unicodedata.category(c) in _HIDDEN else c for c in text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def attempt_failures(held: Held, step: StepCommit | None) -> None:
    """Log (WARNING) and count (`waymark_actions_failed_total`) each attempt of `held` that
    failed since its last step: the failures this runner decided, each once."""
    failed, held.failed = held.failed, []
    if (recording := metrics.current()) is not None:
        for attempt, _ in failed:
            recording.attempt_failed(attempt.action)
    planned = {(a.node, a.attempt) for a in step.plan.actions} if step is not None else set()
    workflow = _loggable(held.claimed.workflow)
    for attempt, error in failed:
        kind, message = error_parts(error)
        action = _loggable(attempt.action)
        retry = (attempt.node, attempt.attempt + 1) in planned
        budget = attempt.attempts
        of = f"{attempt.attempt}/{budget}" if budget is not None else str(attempt.attempt)
        log.warning(
            "action %s failed (workflow %s, instance %s, attempt %s): %s: %s; %s",
            action, workflow, held.id, of, kind, message,
            "will retry" if retry else "not retried",
            extra={"instance_id": held.id, "workflow": workflow, "action": action,
                   "attempt": attempt.attempt, "attempts": budget, "error_type": kind,
                   "error": message, "retry": retry},
        )  # fmt: skip


def instance_failure(held: Held, error: Any) -> None:
    """Log (ERROR) that `held` ended failed with `error`."""
    kind, message = error_parts(error)
    workflow = _loggable(held.claimed.workflow)
    log.error(
        "instance %s of workflow %s failed: %s: %s", held.id, workflow, kind, message,
        extra={"instance_id": held.id, "workflow": workflow, "error_type": kind,
               "error": message},
    )  # fmt: skip


def workflow_lines(held: Held, rows: list[dict[str, Any]]) -> None:
    """Emit the workflow log lines (`CommitBatch.log` rows) a commit just recorded: once, as
    the commit that recorded them is the only one (a step re-run after a crash recorded none).
    Fields: `instance_id`, `workflow`, `function` and `line` (where it logged), `seq`."""
    workflow = _loggable(held.claimed.workflow)
    for row in rows:
        level = _LEVELS.get(row["level"], logging.INFO)
        if workflow_log.isEnabledFor(level):
            workflow_log.log(
                level, _loggable(row["message"]),
                extra={"instance_id": held.id, "workflow": workflow,
                       "function": _loggable(row["function"]), "line": row["line"],
                       "seq": row["seq"]},
            )  # fmt: skip
