"""`waymark instances show` prints where a failed attempt raised (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from runtime_support import database, instance_of, project, server, waymark

__all__ = ["database", "project", "server"]


def test_show_prints_the_traceback_of_a_failed_attempt(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    target = "flows.py:Gated"
    result = waymark("run", target, "--input", json.dumps({"gate": str(gate)}),
                     database=database, cwd=project)  # fmt: skip
    assert result.code == 1
    instance = instance_of(result.err.splitlines()[0])

    text = waymark("instances", "show", instance, database=database, cwd=project)
    assert text.code == 0, text.err
    assert "traceback of n1 try 1 (flows:check_gate):" in text.out
    assert "Traceback (most recent call last):" in text.out
    assert 'raise PermissionError(f"the gate is closed: {gate}")' in text.out

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    [attempt] = shown.json()["attempts"]
    assert attempt["traceback"].rstrip().endswith(f"PermissionError: the gate is closed: {gate}")
