"""Diagnostics as data, and the one place that renders them (ruff/rustc shape).

A phase that finds a problem reports a `Diagnostic` to a `Sink` and keeps going; nothing here
knows about libcst or the IR beyond `Span`. Rendering respects `color`; no other module prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from waymark_compiler.rules import RULES
from waymark_compiler.rules.rule import Rule
from waymark_runtime.ir import Span

__all__ = ["MAX_PER_FILE", "RULES", "Diagnostic", "Rule", "Sink", "render", "summary"]

Severity = Literal["error", "warning"]
MAX_PER_FILE = 50
MAX_SHOWN = 160  # characters of a source line shown under a diagnostic
_CONTEXT = 40  # of them before the column a diagnostic points at


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: str
    span: Span
    label: str
    help: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.span.line}:{self.span.column}"
        return f"{where}: {self.code} {self.message}"


@dataclass(slots=True)
class Sink:
    """Collects the diagnostics of one file; the phases report here instead of raising."""

    path: str
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, rule: Rule, span: Span, message: str, label: str, help: str | None) -> None:
        self.items.append(Diagnostic(rule.code, "error", message, self.path, span, label, help))

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.items)


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in source order, duplicates removed (one construct may be seen twice)."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=lambda d: (d.path, d.span.line, d.span.column, d.code))


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

_STYLES = {"error": "1;31", "warning": "1;33", "gutter": "1;34", "help": "1;36", "bold": "1"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


def _read(path: str) -> str | None:
    """The text of a file a diagnostic names that the caller's `sources` lack (a function or
    base class of another module the workflow compiles)."""
    try:
        file = Path(path)
        return file.read_text(encoding="utf-8", errors="replace") if file.is_file() else None
    except (OSError, ValueError):
        return None


def _source_line(sources: Mapping[str, str | None], path: str, line: int) -> str | None:
    text = sources.get(path)
    if text is None:
        return None
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None


def _caret_width(span: Span, text: str) -> int:
    if span.end_line == span.line:
        return max(span.end_column - span.column, 1)
    return max(len(text) - span.column + 1, 1)


def _window(text: str, column: int, width: int) -> tuple[str, int, int]:
    """At most MAX_SHOWN characters of a source line, from a little before `column`, with `…`
    where it is cut; the column and caret width within them. A generated line can be
    megabytes long (a 200,000-item literal): it is never printed whole."""
    if len(text) <= MAX_SHOWN:
        return text, column, width
    start = max(column - 1 - _CONTEXT, 0)
    shown = text[start : start + MAX_SHOWN]
    before = "…" if start else ""
    after = "…" if start + MAX_SHOWN < len(text) else ""
    column = column - start + len(before)
    return before + shown + after, column, min(width, MAX_SHOWN - (column - 1 - len(before)))


def _indent_like(text: str, column: int) -> str:
    """Whitespace reaching `column`, keeping the source's tabs so carets line up."""
    prefix = text[: column - 1]
    return "".join(ch if ch == "\t" else " " for ch in prefix)


def _render_one(diagnostic: Diagnostic, sources: Mapping[str, str | None], color: bool) -> str:
    span = diagnostic.span
    pad = " " * len(str(span.line))
    bar = _paint(f"{pad} |", "gutter", color)
    head = f"{_paint(diagnostic.code, diagnostic.severity, color)} "
    out = [head + _paint(diagnostic.message, "bold", color)]
    out.append(f"{pad}{_paint('-->', 'gutter', color)} {diagnostic.path}:{span.line}:{span.column}")
    text = _source_line(sources, diagnostic.path, span.line)
    if text is not None:
        text, column, width = _window(text, span.column, _caret_width(span, text))
        marker = _paint(f"{'^' * width} {diagnostic.label}".rstrip(), diagnostic.severity, color)
        out += [bar, f"{_paint(f'{span.line} |', 'gutter', color)} {text}".rstrip()]
        out.append(f"{bar} {_indent_like(text, column)}{marker}")
    if diagnostic.help:
        out += [bar, f"{pad} {_paint('= help:', 'help', color)} {diagnostic.help}"]
    return "\n".join(out)


def render(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], color: bool = False
) -> str:
    """Every diagnostic in the ruff/rustc shape, separated by blank lines."""
    items = list(diagnostics)
    texts: dict[str, str | None] = dict(sources)
    for path in {d.path for d in items} - texts.keys():
        texts[path] = _read(path)
    return "\n\n".join(_render_one(d, texts, color) for d in items)


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    """`Found 3 errors in 2 files` (warnings counted apart)."""
    items = list(diagnostics)
    errors = [d for d in items if d.severity == "error"]
    warnings = len(items) - len(errors)
    files = len({d.path for d in items})
    text = f"Found {_plural(len(errors), 'error')} in {_plural(files, 'file')}"
    return text + (f" and {_plural(warnings, 'warning')}" if warnings else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
