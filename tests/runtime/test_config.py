"""Settings from the environment: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from waymark_runtime.config import ConfigError, Settings


def test_defaults_follow_the_seed_table() -> None:
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.worker_count == (os.cpu_count() or 1)
    assert settings.concurrent_per_worker == 10
    assert settings.user_modules == ()
    assert settings.max_action_lifecycle is None
    assert settings.max_concurrent_instances == 500
    assert settings.poll_interval_ms == 1000
    assert (settings.lock_ttl_ms, settings.lock_heartbeat_ms) == (15_000, 5_000)
    assert settings.expired_lock_reclaimer_interval_ms == 1_000
    assert settings.expired_lock_reclaimer_batch_size == 1_000
    assert settings.scheduler_poll_interval_ms == 30_000
    assert settings.scheduler_batch_size == 100
    assert settings.garbage_collector_retention_hours == 24
    assert settings.log_level == "INFO"
    assert settings.skip_wait_for_instance is False
    assert settings.home == Path.cwd() / ".waymark"


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "WAYMARK_DATABASE_URL": "postgresql://u@h/db",
            "WAYMARK_WORKER_COUNT": "3",
            "WAYMARK_USER_MODULE": "app.flows, app.more ,",
            "WAYMARK_MAX_ACTION_LIFECYCLE": "1000",
            "WAYMARK_EXPIRED_LOCK_RECLAIMER_INTERVAL_MS": "0",
            "WAYMARK_GARBAGE_COLLECTOR_RETENTION_HOURS": "0.5",
            "WAYMARK_LOG_LEVEL": "debug",
            "WAYMARK_SKIP_WAIT_FOR_INSTANCE": "yes",
            "WAYMARK_ACTION_TIMEOUT_SECONDS": "none",
            "WAYMARK_HOME": "/srv/wm",
        }
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.worker_count == 3
    assert settings.user_modules == ("app.flows", "app.more")
    assert settings.max_action_lifecycle == 1000
    assert settings.expired_lock_reclaimer_interval_ms == 1  # clamped to the minimum of 1
    assert settings.garbage_collector_retention_hours == 0.5
    assert settings.log_level == "DEBUG"
    assert settings.skip_wait_for_instance is True
    assert settings.action_timeout_seconds is None
    assert settings.home == Path("/srv/wm")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "WAYMARK_WORKER_COUNT",
            "many",
            "WAYMARK_WORKER_COUNT must be a positive integer, got 'many'",
        ),
        ("WAYMARK_CONCURRENT_PER_WORKER", "0", "must be a positive integer, got '0'"),
        ("WAYMARK_USER_MODULE", "app/flows", "dotted module names, got 'app/flows'"),
        ("WAYMARK_SKIP_WAIT_FOR_INSTANCE", "maybe", "must be a boolean"),
        ("WAYMARK_LOG_LEVEL", "LOUD", "must be one of DEBUG, INFO"),
        ("WAYMARK_GARBAGE_COLLECTOR_RETENTION_HOURS", "-1", "finite number >= 0"),
        ("WAYMARK_LOST_ATTEMPT_RETRIES", "-2", "integer >= 0"),
        # past what the process or PostgreSQL's `integer` can take: refused at once, not at
        # the first statement or timer that uses it
        ("WAYMARK_LOST_ATTEMPT_RETRIES", "3000000000", "at most 2,147,483,647, got '3000000000'"),
        ("WAYMARK_LOCK_TTL_MS", str(2**31), "WAYMARK_LOCK_TTL_MS must be at most 2,147,483,647"),
        ("WAYMARK_EXPIRED_LOCK_RECLAIMER_BATCH_SIZE", "9" * 30, "at most 2,147,483,647"),
        ("WAYMARK_MAX_INT_DIGITS", "100000000", "at most 1,000,000, got '100000000'"),
        ("WAYMARK_WORKER_COUNT", "100000", "WAYMARK_WORKER_COUNT must be at most 1,024"),
        ("WAYMARK_GARBAGE_COLLECTOR_RETENTION_HOURS", "1e300", "at most 876,600"),
        ("WAYMARK_SHUTDOWN_GRACE_SECONDS", "1e12", "at most 3,155,760,000"),
        ("WAYMARK_ACTION_TIMEOUT_SECONDS", "1e12", "at most 3,155,760,000"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        Settings.from_env({name: value})


def test_heartbeat_must_fit_the_lease_twice() -> None:
    with pytest.raises(ConfigError, match="at most half of WAYMARK_LOCK_TTL_MS"):
        Settings.from_env({"WAYMARK_LOCK_TTL_MS": "1000", "WAYMARK_LOCK_HEARTBEAT_MS": "600"})


def test_replace_validates_too() -> None:
    settings = Settings.from_env({})
    assert settings.replace(worker_count=7).worker_count == 7
    with pytest.raises(ConfigError):
        settings.replace(lock_heartbeat_ms=settings.lock_ttl_ms)


def test_the_interpreter_limits_are_settings_with_the_interpreter_s_defaults() -> None:
    from waymark_runtime.engine import limits_of
    from waymark_runtime.interpreter import Limits

    assert limits_of(Settings.from_env({})) == Limits()
    settings = Settings.from_env(
        {
            "WAYMARK_MAX_STEP_OPERATIONS": "500",
            "WAYMARK_MAX_COLLECTION_LENGTH": "10",
            "WAYMARK_MAX_STRING_LENGTH": "20",
            "WAYMARK_MAX_INT_DIGITS": "30",
        }
    )
    assert limits_of(settings) == Limits(
        operations=500, collection_length=10, string_length=20, int_digits=30
    )
    with pytest.raises(ConfigError, match="WAYMARK_MAX_INT_DIGITS must be a positive integer"):
        Settings.from_env({"WAYMARK_MAX_INT_DIGITS": "0"})


def test_interpreter_limits_refuse_what_they_cannot_run_under() -> None:
    from waymark_runtime.interpreter import Limits

    assert Limits(int_digits=1_000_000).int_digits == 1_000_000
    with pytest.raises(ValueError, match=r"Limits\.int_digits must be at most 1,000,000"):
        Limits(int_digits=10**8)  # computing 10**(10**8) would take minutes
    with pytest.raises(ValueError, match=r"Limits\.operations must be a positive int, got 0"):
        Limits(operations=0)
    with pytest.raises(ValueError, match=r"Limits\.string_length must be a positive int"):
        Limits(string_length=2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", [" ", "\t\n", "localhost/db", "http://h/db", "postgresql://h:x/db"])
def test_a_blank_or_malformed_database_url_is_refused_not_read_as_unset(url: str) -> None:
    with pytest.raises(ConfigError, match="WAYMARK_DATABASE_URL"):
        Settings.from_env({"WAYMARK_DATABASE_URL": url})


def test_an_empty_database_url_means_the_embedded_server_and_a_padded_one_is_trimmed() -> None:
    assert Settings.from_env({"WAYMARK_DATABASE_URL": ""}).database_url is None
    padded = Settings.from_env({"WAYMARK_DATABASE_URL": " postgres://u@h:5433/db\n"})
    assert padded.database_url == "postgres://u@h:5433/db"
