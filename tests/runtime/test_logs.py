"""The logs of `start-workers` an operator can act on: each failed attempt (WARNING, with
whether it is retried), each failed instance (ERROR), JSON lines with `WAYMARK_LOG_FORMAT=json`,
and the attempt's fields on the records action code emits. In-process (`LocalRuntime`) and in a
real `start-workers` process on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

import waymark
from tests.runtime import observe_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from waymark_runtime.config import ConfigError, Settings
from waymark_runtime.local import LocalRuntime
from waymark_runtime.logs import ContextFilter, JsonFormatter, TextFormatter

FLOWS = "tests.runtime.observe_flows"
ACTION = f"{FLOWS}:flaky"


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


async def test_failed_attempts_and_instances_are_logged_in_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.handler.addFilter(ContextFilter())
    caplog.set_level(logging.INFO)
    async with LocalRuntime() as runtime:
        instance_id = await runtime.submit(flows.Exploding.__waymark_definition__, {"reason": "x"})
        with pytest.raises(ValueError, match="exploded: x"):
            await runtime.result(instance_id)
    first, second = (r for r in _records(caplog, "waymark.runner") if r.levelname == "WARNING")
    assert first.getMessage() == (
        f"action {ACTION} failed (workflow Exploding, instance {instance_id}, attempt 1/2): "
        "ValueError: exploded: x; will retry"
    )
    assert second.getMessage().endswith("attempt 2/2): ValueError: exploded: x; not retried")
    assert (second.attempt, second.attempts, second.retry) == (2, 2, False)  # type: ignore[attr-defined]
    (failed,) = (r for r in _records(caplog, "waymark.runner") if r.levelname == "ERROR")
    assert failed.getMessage() == (
        f"instance {instance_id} of workflow Exploding failed: ValueError: exploded: x"
    )
    own = _records(caplog, "observe_flows")
    assert [(r.instance_id, r.workflow, r.action, r.attempt) for r in own] == [  # type: ignore[attr-defined]
        (instance_id, "Exploding", ACTION, 1),
        (instance_id, "Exploding", ACTION, 2),
    ]


async def test_a_huge_error_message_is_logged_cut_and_kept_whole(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with LocalRuntime() as runtime:
        reason = "x" * 100_000
        instance_id = await runtime.submit(
            flows.Exploding.__waymark_definition__, {"reason": reason}
        )
        with pytest.raises(ValueError) as raised:
            await runtime.result(instance_id)
    assert str(raised.value) == f"exploded: {reason}"  # stored whole
    records = _records(caplog, "waymark.runner")
    lines = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    shown = f"ValueError: exploded: {reason[:1990]}... (98,010 more characters)"
    assert lines[0].endswith(f"): {shown}; will retry")
    assert lines[-1] == f"instance {instance_id} of workflow Exploding failed: {shown}"
    assert max(map(len, lines)) < 2_300


def test_text_lines_show_the_attempt_and_json_lines_hold_every_field() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "charged %s", ("o1",), None)
    record.__dict__.update(instance_id="i1", workflow="Wf", action="m:f", attempt=2)
    text = TextFormatter().format(record)
    assert text.endswith("INFO app: charged o1 [instance_id=i1 workflow=Wf action=m:f attempt=2]")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "charged o1" and line["level"] == "INFO" and line["logger"] == "app"
    assert (line["instance_id"], line["workflow"], line["action"], line["attempt"]) == (
        "i1", "Wf", "m:f", 2,
    )  # fmt: skip


def test_log_format_is_text_or_json() -> None:
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"WAYMARK_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ConfigError, match="WAYMARK_LOG_FORMAT must be text or json"):
        Settings.from_env({"WAYMARK_LOG_FORMAT": "xml"})


async def _run_exploding(database: str) -> str:
    async with waymark.connect(database):
        instance_id = await flows.Exploding().run("pg", _blocking=False)
        async with waymark.connect(database) as client:
            with pytest.raises(ValueError, match="exploded: pg"):
                await client.get_result(instance_id, timeout=30)
    return str(instance_id)


async def _wait_for(log: Path, text: str) -> str:
    for _ in range(100):
        content = log.read_text(errors="replace")
        if text in content:
            return content
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never logged")


@pytest.mark.usefixtures("worker_env")
async def test_start_workers_logs_failures_as_json_lines(database: str, tmp_path: Path) -> None:
    log = tmp_path / "start-workers.log"
    env = start_workers_env(database, WAYMARK_USER_MODULE=FLOWS, WAYMARK_LOG_FORMAT="json")
    with start_workers_process(env, log):
        instance_id = await _run_exploding(database)
        content = await _wait_for(log, '"level": "ERROR"')
    lines = [json.loads(line) for line in content.splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("instance_id") == instance_id]
    own = [(x["action"], x["attempt"]) for x in mine if x["logger"] == "observe_flows"]
    assert own == [(ACTION, 1), (ACTION, 2)]  # emitted in the worker processes
    warnings = [x for x in mine if x["level"] == "WARNING"]
    assert [(x["attempt"], x["attempts"], x["retry"]) for x in warnings] == [
        (1, 2, True), (2, 2, False),
    ]  # fmt: skip
    assert all(x["error_type"] == "ValueError" and x["workflow"] == "Exploding" for x in warnings)
    (error,) = [x for x in mine if x["level"] == "ERROR"]
    assert error["error"] == "exploded: pg" and error["logger"] == "waymark.runner"


@pytest.mark.usefixtures("worker_env")
async def test_start_workers_text_lines_carry_the_attempt(database: str, tmp_path: Path) -> None:
    log = tmp_path / "start-workers.log"
    env = start_workers_env(database, WAYMARK_USER_MODULE=FLOWS)
    with start_workers_process(env, log):
        instance_id = await _run_exploding(database)
        content = await _wait_for(log, f"instance {instance_id} of workflow Exploding failed")
    context = f"[instance_id={instance_id} workflow=Exploding action={ACTION} attempt=1]"
    assert f"INFO observe_flows: about to fail: pg {context}" in content
    assert f"WARNING waymark.runner: action {ACTION} failed (workflow Exploding, " in content
    assert "attempt 1/2): ValueError: exploded: pg; will retry" in content
    assert f"ERROR waymark.runner: instance {instance_id} of workflow Exploding failed" in content
