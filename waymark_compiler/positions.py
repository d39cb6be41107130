"""The position of every node of a libcst module but layout (`UNRECORDED`: whitespace,
punctuation, operator tokens), in one pass of libcst's own code generator.

The same ranges as libcst's `PositionProvider` (syntactic: a node's own code, without the
whitespace and blank lines it owns; lines from 1, columns from 0), recorded as plain tuples:
libcst's provider builds two frozen dataclasses per node, a generator-based context manager per
expression and a regular expression match per token, which cost as much as parsing itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from types import TracebackType

import libcst as cst
from libcst.metadata import PositionProvider

from waymark_compiler.walk import LAYOUT, SAMPLE

try:
    from libcst._nodes.internal import CodegenState
except ImportError:  # another libcst: the recorder cannot be built, `_recorder_agrees` says no
    CodegenState = object  # type: ignore[misc,assignment]

Range = tuple[int, int, int, int]
"""(start line, start column, end line, end column)."""

_NEWLINE = re.compile(r"\r\n?|\n")
UNRECORDED: frozenset[type] = LAYOUT - {cst.LeftParen, cst.RightParen}
"""Node classes without a range: layout, but for the parenthesis that ends `from m import (a)`."""


@dataclass(slots=True)
class _Recorder(CodegenState):
    """A code generator that records where each node starts and ends."""

    found: dict[cst.CSTNode, Range] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    starts: list[tuple[int, int]] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        self.column += sum(len(token) for token in self.indent_tokens)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            pieces = _NEWLINE.split(value)
            self.line += len(pieces) - 1
            self.column = len(pieces[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.starts.pop()
        if type(node) in UNRECORDED:
            return  # no pass asks where whitespace or a comma is
        if node not in self.found:  # a syntactic range recorded inside is kept
            self.found[node] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The range of `node` from where the block starts (or `start_node` starts) to where it
    ends (or `end_node` ends): libcst's `record_syntactic_position`, without a generator."""

    __slots__ = ("end_node", "node", "recorder", "start", "start_node")

    def __init__(
        self,
        recorder: _Recorder,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.recorder, self.node = recorder, node
        self.start_node, self.end_node = start_node, end_node
        self.start = (recorder.line, recorder.column)

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if type(self.node) in UNRECORDED:
            return
        recorder = self.recorder
        found = recorder.found
        start = found[self.start_node][:2] if self.start_node is not None else self.start
        end = found[self.end_node][2:] if self.end_node is not None else None
        if end is None:
            end = (recorder.line, recorder.column)
        found[self.node] = (start[0], start[1], end[0], end[1])


def positions(module: cst.Module) -> dict[cst.CSTNode, Range]:
    """The range of every node of `module` but layout: by the recorder when it agrees with
    libcst's provider on this installation (`_recorder_agrees`), else by the provider."""
    return _recorded(module) if _recorder_agrees() else _provided(module)


def _recorded(module: cst.Module) -> dict[cst.CSTNode, Range]:
    recorder = _Recorder(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    module._codegen(recorder)
    return recorder.found


def _provided(module: cst.Module) -> dict[cst.CSTNode, Range]:
    """libcst's own `PositionProvider`: slower, and the reference."""
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    ranges = wrapper.resolve(PositionProvider)
    return {
        node: (found.start.line, found.start.column, found.end.line, found.end.column)
        for node, found in ranges.items()
        if type(node) not in UNRECORDED
    }


@functools.cache
def _recorder_agrees() -> bool:
    """The recorder subclasses libcst's code generator, an internal class: checked once per
    process against libcst's provider on a sample that has every kind of range, so another
    libcst version can make compiling slower but never place a diagnostic wrongly."""
    try:
        sample = cst.parse_module(SAMPLE)
        return _recorded(sample) == _provided(sample)
    except Exception:  # an internal that changed shape
        return False
