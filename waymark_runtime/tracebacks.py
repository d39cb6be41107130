"""Remote tracebacks: what a failed attempt records of where its exception was raised.

A worker turns an action's exception into its JSON value plus `traceback` (the formatted text,
chained causes included, as `traceback.format_exception` prints it) and `frames` (one dict per
frame: `filename`, `lineno`, `name`, `line`). The text travels with the exception value (the
interpreter keeps it, the waiting client gets it as the exception's `__cause__`); the frames
only go to the attempt's row (`split_traceback`). Waymark's own frames that merely call the
action are left out. The standard library does all of it: nothing here needs a third-party
package (tblib's speciality, rebuilding real traceback objects, is not needed to show them).
"""

from __future__ import annotations

import os
import traceback
from types import TracebackType
from typing import Any

from waymark_runtime.values import JSON, error_json
from waymark_runtime.values.text import plain_text, text_json

_OURS = os.path.dirname(os.path.abspath(__file__)) + os.sep
MAX_FRAMES = 64
"""Innermost frames kept in `frames` (a RecursionError has a thousand)."""
MAX_TEXT = 32_768
"""Characters of traceback text kept (the end: where it was raised)."""


def failure_json(error: BaseException, *, chained: bool = True) -> JSON:
    """`error` as a JSON exception value, with its traceback text and frames; `chained`: with
    its `__cause__` and `__context__`, as the action's code raised it."""
    value = error_json(error, chained=chained)
    tb = _user_part(error.__traceback__)
    if tb is not None:
        error = error.with_traceback(tb)
    text = "".join(traceback.format_exception(error))
    if len(text) > MAX_TEXT:
        text = "...\n" + text[-MAX_TEXT:]
    value["traceback"] = _text(text)
    value["frames"] = [_frame(frame) for frame in traceback.extract_tb(tb)[-MAX_FRAMES:]]
    return value


def split_traceback(value: Any) -> tuple[Any, dict[str, Any] | None]:
    """A failed attempt's value without its `frames`, and what its row records: `{"text":
    ..., "frames": [...]}` (None when the value has no traceback)."""
    if not isinstance(value, dict) or "traceback" not in value:
        return value, None
    frames = value.get("frames")
    if frames is not None:
        value = {k: v for k, v in value.items() if k != "frames"}
    return value, {"text": value["traceback"], "frames": frames or []}


def _user_part(tb: TracebackType | None) -> TracebackType | None:
    """The traceback from the first frame that is not Waymark's own calling of the action."""
    first = tb
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_OURS):
        tb = tb.tb_next
    return tb if tb is not None else first


def _frame(frame: traceback.FrameSummary) -> dict[str, Any]:
    return {"filename": _text(frame.filename), "lineno": frame.lineno,
            "name": _text(frame.name), "line": _text(frame.line or "")}  # fmt: skip


def _text(text: str) -> JSON:
    return text if plain_text(text) else text_json(text)
