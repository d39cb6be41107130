"""What a finished instance's stored outcome is to a client: its result as a Python value, or
the exception that failed it, rebuilt as its own class when the type registry has it. Nothing is
imported because a stored value names it."""

from __future__ import annotations

import contextlib
from typing import Any

from waymark_runtime.errors import WorkflowFailed
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.values import RemoteTraceback, find_class, from_json, kind_of
from waymark_runtime.values.foreign import is_foreign
from waymark_runtime.values.text import shown_text


def result_of(outcome: InstanceOutcome) -> Any:
    """The Python value of an outcome, or raise the exception that failed the instance."""
    if outcome.ok:
        return from_json(outcome.value)
    raise exception_of(outcome.value)


def exception_of(error: Any) -> BaseException:
    """The exception as its own class when the type registry has it (a builtin or Waymark
    exception, or one of the user's modules), else a `WorkflowFailed` carrying its type name,
    message and remote traceback. Nothing is imported because a stored value names it."""
    if not (isinstance(error, dict) and error.get("$t") == "exception"):
        return WorkflowFailed(f"workflow failed: {error!r}")
    path = str(error.get("type"))
    cls = find_class(path)
    if (cls is not None and kind_of(cls) == "exception") or is_foreign(path):
        with contextlib.suppress(Exception):  # a malformed value is reported by name below
            rebuilt = from_json(error)
            if isinstance(rebuilt, BaseException):
                return rebuilt
    return _unknown_exception(error)


def _unknown_exception(error: dict[str, Any]) -> WorkflowFailed:
    path = str(error.get("type"))
    failed = WorkflowFailed(f"{path.rpartition(':')[2]}: {shown_text(error.get('message', ''))}")
    failed.type_name, failed.error = path, error
    traceback = error.get("traceback")
    if traceback is not None:
        failed.remote_traceback = shown_text(traceback)
        failed.__cause__ = RemoteTraceback(failed.remote_traceback)
    return failed
