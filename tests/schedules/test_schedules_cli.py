"""`waymark schedules ...` run as a user would: a subprocess on a real database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.support import ROOT, with_database
from tests.schedules.support import PinnedClock, schedule_row
from waymark_runtime.schedules import Schedules
from waymark_runtime.store.postgres import PostgresStore


@dataclass(frozen=True)
class Completed:
    code: int
    out: str
    err: str


def waymark(database: str, *args: str) -> Completed:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.pop("WAYMARK_DEBUG", None)
    env["WAYMARK_DATABASE_URL"] = database
    done = subprocess.run(
        [sys.executable, "-m", "waymark", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return Completed(done.returncode, done.stdout, done.stderr)


@pytest.fixture
async def registered(schedules: Schedules, clock: PinnedClock) -> Schedules:
    await schedules.register(flows.Single, "nightly", "0 3 * * *", inputs={"value": 1})
    await schedules.register(
        flows.Sequence, "every-5", timedelta(minutes=5), inputs={"count": 2}, priority=4
    )
    await schedules.register(flows.Fanout, "every-5", timedelta(minutes=5), inputs={"count": 1})
    await schedules.pause(flows.Fanout, "every-5")
    return schedules


async def test_list_prints_a_table_of_every_schedule(database: str, registered: Schedules) -> None:
    done = waymark(database, "schedules", "list")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0].split() == [
        "WORKFLOW", "SCHEDULE", "CADENCE", "STATUS", "NEXT", "RUN", "(UTC)", "LAST", "RUN",
        "(UTC)", "LAST", "INSTANCE",
    ]  # fmt: skip
    assert [line.split()[:2] for line in lines[1:]] == [
        ["Fanout", "every-5"],
        ["Sequence", "every-5"],
        ["Single", "nightly"],
    ]
    assert "0 3 * * *" in lines[3] and "2024-03-10 03:00:00" in lines[3]
    assert "every 5m" in lines[2] and "paused" in lines[1]
    assert all(line == line.rstrip() for line in lines)


async def test_list_filters_by_status_and_prints_json(database: str, registered: Schedules) -> None:
    done = waymark(database, "schedules", "list", "--status", "paused", "--format", "json")
    assert done.code == 0, done.err
    [only] = json.loads(done.out)
    assert (only["workflow_name"], only["schedule_name"], only["status"]) == (
        "Fanout",
        "every-5",
        "paused",
    )
    assert (only["interval_seconds"], only["cadence"], only["last_instance_id"]) == (
        300.0,
        "every 5m",
        None,
    )


async def test_list_says_when_there_is_nothing(database: str, store: PostgresStore) -> None:
    done = waymark(database, "schedules", "list", "--status", "active")
    assert (done.code, done.out, done.err.strip()) == (0, "", "no active schedules")


async def test_show_prints_every_field(database: str, registered: Schedules) -> None:
    done = waymark(database, "schedules", "show", "nightly")
    assert done.code == 0, done.err
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in done.out.splitlines())
    assert fields["workflow"] == "Single"
    assert fields["cadence"] == "0 3 * * * (cron, UTC)"
    assert (fields["next run"], fields["last run"]) == ("2024-03-10 03:00:00", "-")
    assert fields["inputs"] == '{"value": 1}'
    as_json = json.loads(waymark(database, "schedules", "show", "nightly", "-f", "json").out)
    assert (as_json["schedule_name"], as_json["inputs"]) == ("nightly", {"value": 1})


async def test_a_name_shared_by_workflows_needs_workflow(
    database: str, registered: Schedules
) -> None:
    done = waymark(database, "schedules", "show", "every-5")
    assert done.code == 2
    assert (
        "error: several workflows have a schedule named `every-5`: `Fanout`, `Sequence`" in done.err
    )
    assert "hint: pick one with `--workflow NAME`" in done.err
    done = waymark(database, "schedules", "show", "every-5", "--workflow", "Sequence", "-f", "json")
    assert done.code == 0 and json.loads(done.out)["priority"] == 4


async def test_pause_resume_and_delete(
    database: str, registered: Schedules, store: PostgresStore
) -> None:
    done = waymark(database, "schedules", "pause", "nightly")
    assert (done.code, done.err.strip()) == (0, "paused schedule `nightly` of `Single`")
    assert (await schedule_row(store, "nightly"))["status"] == "paused"
    done = waymark(database, "schedules", "resume", "every-5", "-w", "Fanout")
    assert (done.code, done.err.strip()) == (0, "resumed schedule `every-5` of `Fanout`")
    assert [i.status for i in await registered.select()] == ["active", "active", "paused"]
    done = waymark(database, "schedules", "delete", "nightly")
    assert (done.code, done.err.strip()) == (0, "deleted schedule `nightly` of `Single`")
    assert [i.schedule_name for i in await registered.select()] == ["every-5", "every-5"]


async def test_unknown_schedules_are_usage_errors(database: str, registered: Schedules) -> None:
    done = waymark(database, "schedules", "pause", "nightley")
    assert done.code == 2
    assert done.err.splitlines() == [
        "error: no schedule named `nightley`",
        "hint: did you mean `nightly`?",
    ]
    done = waymark(database, "schedules", "delete", "nightly", "--workflow", "Fanout")
    assert done.code == 2
    assert "hint: a schedule named `nightly` exists for `Single`" in done.err
    done = waymark(database, "schedules", "show", "zzz")
    assert done.code == 2 and "hint: `waymark schedules list` shows every schedule" in done.err
    assert len(await registered.select()) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--status", "running"), "invalid value for '--status'"),
        (("list", "--format", "xml"), "invalid value for '--format'"),
        (("show",), "missing argument 'name'"),
        (("pause",), "missing argument 'name'"),
        (("frobnicate",), "no such command 'frobnicate'"),
    ],
)
def test_bad_command_lines_exit_2(database: str, args: tuple[str, ...], message: str) -> None:
    done = waymark(database, "schedules", *args)
    assert done.code == 2
    assert message in done.err.lower()


def test_an_unreachable_database_is_a_clear_error(database: str) -> None:
    for dsn in ("postgresql://postgres@127.0.0.1:1/nowhere", with_database(database, "wm_none")):
        done = waymark(dsn, "schedules", "list")
        assert done.code == 1
        assert done.err.startswith("error: cannot reach the database")
        assert "hint: check WAYMARK_DATABASE_URL" in done.err


HOSTILE = "tick\x1b[2J\r[bold]loud[/bold]\x9b\u202e"
SHOWN = "tick\\x1b[2J\\r[bold]loud[/bold]\\x9b\\u202e"


async def test_stored_names_print_escaped(database: str, schedules: Schedules) -> None:
    """Control characters of a stored name are printed as escapes and its `[...]` as text."""
    await schedules.register(flows.Single, HOSTILE, "0 3 * * *", inputs={"value": 1})
    listed = waymark(database, "schedules", "list")
    shown = waymark(database, "schedules", "show", HOSTILE)
    paused = waymark(database, "schedules", "pause", HOSTILE)
    for done in (listed, shown, paused):
        assert done.code == 0, done.err
        text = done.out + done.err
        assert SHOWN in text, text
        assert not any(char in text for char in "\x1b\r\x9b\u202e")


async def test_an_unknown_name_with_a_newline_is_one_escaped_line(
    database: str, registered: Schedules
) -> None:
    done = waymark(database, "schedules", "show", "night\nerror: forged", "-w", "x\ny")
    assert done.code == 2
    assert done.err.splitlines() == [
        "error: no schedule named `night\\nerror: forged` for workflow `x\\ny`",
        "hint: `waymark schedules list` shows every schedule",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "error: schedule_name must be a non-empty string, got ''"),
        ("x" * 2_000, "error: schedule_name must be at most 1,000 bytes of UTF-8, got 2,000: "),
        ("\udcff", "error: schedule_name must be valid UTF-8 (no lone surrogate)"),
    ],
)
async def test_a_name_no_schedule_can_have_is_a_usage_error(
    database: str, registered: Schedules, name: str, message: str
) -> None:
    """It exited 1 (a problem of the input), where an unknown name exits 2 (the command line)."""
    for command in ("show", "pause", "resume", "delete"):
        done = waymark(database, "schedules", command, name)
        assert done.code == 2, done.err
        assert done.err.startswith(message)
    assert len(await registered.select()) > 0  # nothing was deleted
