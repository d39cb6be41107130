"""Logging of `start-workers` and its worker processes: the attempt context and two formats.

While an attempt runs, `ATTEMPT` holds its `AttemptContext` (a context variable, so concurrent
attempts in one worker each see their own); `ContextFilter` copies it onto every log record
emitted meanwhile (`instance_id`, `workflow`, `action`, `attempt`). `TextFormatter` appends those
fields to the usual line, `JsonFormatter` prints one JSON object per record with every extra field.
Nothing here touches handlers the user configured, except through `configure_logging`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any, NamedTuple


class AttemptContext(NamedTuple):
    """Which attempt is running: set by `execute_action` around the action's code. `node`,
    `trace` (the instance's `traceparent`) and `site` (the call's DAG node) are for its
    tracing span, not for log records."""

    instance_id: str
    workflow: str
    action: str
    attempt: int
    node: str = ""
    trace: str | None = None
    site: str | None = None


ATTEMPT: contextvars.ContextVar[AttemptContext | None] = contextvars.ContextVar(
    "waymark_attempt", default=None
)
CONTEXT_FIELDS = ("instance_id", "workflow", "action", "attempt")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Attributes every LogRecord has: the rest were passed as `extra` (or set by `ContextFilter`).
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class ContextFilter(logging.Filter):
    """Adds the running attempt's fields to each record (never drops one). Add it to a handler
    to see them in records from action code: `handler.addFilter(ContextFilter())`."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = ATTEMPT.get()
        if context is not None and not hasattr(record, "instance_id"):
            for name in CONTEXT_FIELDS:
                setattr(record, name, getattr(context, name))
        return True


def _context_text(record: logging.LogRecord) -> str:
    fields = [(name, getattr(record, name, None)) for name in CONTEXT_FIELDS]
    shown = " ".join(f"{name}={value}" for name, value in fields if value is not None)
    return f" [{shown}]" if shown else ""


class TextFormatter(logging.Formatter):
    """The usual line, then the attempt's fields in brackets when the record has them."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = _context_text(record)
        if not context:
            return line
        first, newline, rest = line.partition("\n")  # a traceback stays below the line
        return f"{first}{context}{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, every extra field, and
    `exception` (the formatted traceback) when the record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC)
        out: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, default=str)


def configure_logging(level: str, format: str) -> None:
    """The root logger of `start-workers` and its workers: one stderr handler at `level`, in
    `format` (`text` or `json`), with the attempt context on every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
