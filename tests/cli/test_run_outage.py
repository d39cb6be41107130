"""`waymark run` when the database goes away while the instance runs: an outage shorter than
WAYMARK_CLIENT_CONNECT_RETRY_SECONDS is waited for and the run finishes; a longer one ends the
command with a one-line error (exit 1) naming `--resume`, and the resume finishes the instance
with nothing lost. The outage is the test's own: a relay in front of the server, cut and
restored (`tests.pg_relay`); the server itself is never touched."""

from __future__ import annotations

import json
from pathlib import Path

from runtime_support import Background, database, instance_of, line_of, project, server, waymark

from tests.pg_relay import Relay

__all__ = ["database", "project", "server"]

STEPS = ["FIRST", "SECOND", "THIRD"]


def _started(relay: Relay, project: Path, patience: str) -> tuple[Background, str]:
    """`waymark run flows.py:Steps` through the relay, once its second action runs."""
    inputs = json.dumps({"record": str(project / "record.txt"), "pause": 3})
    running = Background("run", "flows.py:Steps", "--input", inputs, database=relay.dsn,
                         cwd=project, WAYMARK_CLIENT_CONNECT_RETRY_SECONDS=patience)  # fmt: skip
    instance = instance_of(running.wait_for("running Steps "))
    running.wait_for(f" n2 line {line_of('second = await')}")
    return running, instance


def test_a_database_lost_mid_run_is_one_line_and_resume_finishes(
    database: str, project: Path
) -> None:
    with Relay(database) as relay:
        running, instance = _started(relay, project, "1")
        relay.cut()
        lost = running.finish(timeout=60)
    assert lost.code == 1, lost.err
    assert "Traceback" not in lost.err and lost.out == ""
    lines = lost.err.splitlines()
    assert any(line.startswith("lost the database (") for line in lines), lost.err
    error, hint = lines[-2:]
    assert error.startswith("error: cannot reach the database: "), lost.err
    assert hint == (f"hint: the instance is kept; continue it with "
                    f"`waymark run flows.py --resume {instance}` once PostgreSQL is back")  # fmt: skip

    resumed = waymark("run", "flows.py", "--resume", instance, database=database, cwd=project)
    assert resumed.code == 0, resumed.err
    assert json.loads(resumed.out) == STEPS


def test_a_short_outage_mid_run_is_waited_for(database: str, project: Path) -> None:
    with Relay(database) as relay:
        running, _ = _started(relay, project, "60")
        relay.cut()
        running.wait_for("lost the database (")
        relay.restore()
        finished = running.finish(timeout=60)
    assert finished.code == 0, finished.err
    assert "Traceback" not in finished.err
    assert json.loads(finished.out) == STEPS


def test_a_server_that_refuses_at_the_start_says_cannot_reach(database: str, project: Path) -> None:
    with Relay(database) as relay:
        relay.cut()
        refused = waymark("run", "flows.py:Steps", "--input", '{"record": "r.txt"}',
                          database=relay.dsn, cwd=project)  # fmt: skip
    assert refused.code == 1
    assert refused.err.startswith("error: cannot reach the database: "), refused.err
    assert "Traceback" not in refused.err
