"""`waymark fmt`: canonical files stay put, others are re-printed or, with --check, diffed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import Waymark, assert_no_traceback, write_lockfile


@pytest.fixture
def canonical(workdir: Path) -> Path:
    """A canonical program, as `waymark compile --out-dir` writes it."""
    return write_lockfile(workdir, "wrl", "flows/orders.py") / "ChargeOrdersWorkflow.wrl"


def _loosen(text: str) -> str:
    """The same program with extra spaces around one `=`: parses, but is not canonical."""
    loosened = re.sub(r" = ", "  =   ", text, count=1)
    assert loosened != text
    return loosened


def test_a_canonical_file_is_left_alone(waymark: Waymark, canonical: Path) -> None:
    before = canonical.stat().st_mtime_ns, canonical.read_text()
    result = waymark("fmt", canonical)
    assert result.code == 0, result.err
    assert (canonical.stat().st_mtime_ns, canonical.read_text()) == before
    assert "1 file already formatted" in result.err


def test_check_passes_on_canonical_files(waymark: Waymark, canonical: Path) -> None:
    result = waymark("fmt", "--check", canonical.parent)
    assert result.code == 0, result.err
    assert result.out == ""


def test_a_non_canonical_file_is_rewritten_in_place(waymark: Waymark, canonical: Path) -> None:
    expected = canonical.read_text()
    canonical.write_text(_loosen(expected))
    result = waymark("fmt", "wrl/ChargeOrdersWorkflow.wrl")
    assert result.code == 0, result.err
    assert canonical.read_text() == expected
    assert "reformatted wrl/ChargeOrdersWorkflow.wrl" in result.err


def test_check_fails_with_a_diff_and_changes_nothing(waymark: Waymark, canonical: Path) -> None:
    loose = _loosen(canonical.read_text())
    canonical.write_text(loose)
    result = waymark("fmt", "--check", "wrl")
    assert result.code == 1
    assert "--- wrl/ChargeOrdersWorkflow.wrl (original)" in result.out
    assert "+++ wrl/ChargeOrdersWorkflow.wrl (formatted)" in result.out
    assert "would reformat wrl/ChargeOrdersWorkflow.wrl" in result.err
    assert canonical.read_text() == loose


def test_a_malformed_file_reports_its_position(waymark: Waymark, workdir: Path) -> None:
    (workdir / "broken.wrl").write_text("wrl 2\nworkflow Broken\nfn run(:\n")
    result = waymark("fmt", "broken.wrl")
    assert result.code == 1
    assert re.search(r"^broken\.wrl:\d+:\d+: \S", result.err, re.MULTILINE), result.err
    assert "1 file could not be parsed" in result.err
    assert_no_traceback(result)


def test_a_malformed_file_does_not_stop_the_others(
    waymark: Waymark, workdir: Path, canonical: Path
) -> None:
    (workdir / "wrl" / "Broken.wrl").write_text("this is not wrl\n")
    canonical.write_text(_loosen(canonical.read_text()))
    result = waymark("fmt", "wrl")
    assert result.code == 1
    assert "reformatted wrl/ChargeOrdersWorkflow.wrl" in result.err


def test_binary_input_is_reported_not_crashed_on(waymark: Waymark, workdir: Path) -> None:
    (workdir / "garbage.wrl").write_bytes(b"\xff\xfe\x00garbage")
    result = waymark("fmt", "garbage.wrl")
    assert result.code == 1
    assert "garbage.wrl: not valid UTF-8" in result.err
    assert_no_traceback(result)


def test_a_missing_file_is_a_usage_error(waymark: Waymark) -> None:
    result = waymark("fmt", "nowhere.wrl")
    assert result.code == 2
    assert "error: path does not exist: nowhere.wrl" in result.err
