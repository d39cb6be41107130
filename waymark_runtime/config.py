"""Runtime settings, read once from the process environment into a typed, validated object.

Every `WAYMARK_*` variable the client, runner and workers honour is declared in `_FIELDS`, with
its parser and default; a bad value raises `ConfigError` naming the variable and the value.
This module reads the environment and nothing else: no files, no database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from waymark_runtime.errors import WaymarkError, close_match


class ConfigError(WaymarkError):
    """invalid waymark configuration"""


MAX_WORKERS = 1_024  # worker processes per `start-workers`
MAX_INT_DIGITS = 1_000_000  # `10**digits` takes 0.1 s here; ten times more takes 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The runtime configuration; field docs live in docs/operations.md (one row per variable)."""

    database_url: str | None
    home: Path
    worker_count: int
    concurrent_per_worker: int
    user_modules: tuple[str, ...]
    max_action_lifecycle: int | None
    max_concurrent_instances: int
    poll_interval_ms: int
    lock_ttl_ms: int
    lock_heartbeat_ms: int
    evict_sleep_threshold_ms: int
    expired_lock_reclaimer_interval_ms: int
    expired_lock_reclaimer_batch_size: int
    scheduler_poll_interval_ms: int
    scheduler_batch_size: int
    garbage_collector_retention_hours: float
    garbage_collector_interval_ms: int
    garbage_collector_batch_size: int
    action_timeout_seconds: float | None
    lost_attempt_retries: int
    orphaned_attempt_retries: int
    shutdown_grace_seconds: float
    log_level: str
    log_format: str
    metrics_addr: str | None
    skip_wait_for_instance: bool
    max_step_operations: int
    max_collection_length: int
    max_string_length: int
    max_int_digits: int
    max_regex_milliseconds: int
    max_payload_bytes: int = 32 * 1024 * 1024
    max_child_depth: int = 100
    max_children: int = 10_000
    webapp_enabled: bool = False
    webapp_addr: str = "127.0.0.1:24119"
    webapp_token: str | None = None
    client_connect_retry_seconds: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse `environ` (default `os.environ`); unset or empty variables take their default."""
        env = os.environ if environ is None else environ
        values = {name: _read(env, spec) for name, spec in _FIELDS.items()}
        settings = cls(**values)
        _check(settings)
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests and the CLI use it to override the env)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        settings = Settings(**values)
        _check(settings)
        return settings


@dataclass(frozen=True, slots=True)
class _Field:
    env: str
    parse: Callable[[str, str], Any]
    default: Callable[[], Any]
    blank_is_unset: bool = True  # else a value of only whitespace is refused, not the default


def _read(env: Mapping[str, str], spec: _Field) -> Any:
    given = env.get(spec.env, "")
    raw = given.strip()
    if not raw and given and not spec.blank_is_unset:
        raise ConfigError(
            f"{spec.env} is set to whitespace only: unset it (or set it empty) for the "
            "default, or give a value"
        )
    return spec.parse(spec.env, raw) if raw else spec.default()


INT32_MAX = 2**31 - 1  # PostgreSQL's `integer`: counts and milliseconds reach SQL as one
_SECONDS_MAX = 100 * 365.25 * 86_400  # a century: past it, timestamps and timers overflow


def _integer(name: str, raw: str, least: int, most: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < least:
        kind = "a positive integer" if least == 1 else f"an integer >= {least}"
        raise ConfigError(f"{name} must be {kind}, got {raw!r}")
    if value > most:
        raise ConfigError(f"{name} must be at most {most:,}, got {raw!r}")
    return value


def _positive_int(name: str, raw: str) -> int:
    return _integer(name, raw, 1, INT32_MAX)


def _workers(name: str, raw: str) -> int:
    """Processes to start: bounded so a typo cannot fork thousands."""
    return _integer(name, raw, 1, MAX_WORKERS)


def _digits(name: str, raw: str) -> int:
    """`WAYMARK_MAX_INT_DIGITS`: the interpreter computes `10**digits` when it starts."""
    return _integer(name, raw, 1, MAX_INT_DIGITS)


def _clamped_int(name: str, raw: str) -> int:
    """An integer clamped to at least 1, as the reclaimer settings are documented to behave."""
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value > INT32_MAX:
        raise ConfigError(f"{name} must be at most {INT32_MAX:,}, got {raw!r}")
    return max(value, 1)


def _non_negative_int(name: str, raw: str) -> int:
    return _integer(name, raw, 0, INT32_MAX)


def _non_negative_float(name: str, raw: str, most: float = _SECONDS_MAX) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{name} must be a finite number >= 0, got {raw!r}")
    if value > most:
        raise ConfigError(f"{name} must be at most {most:,.0f}, got {raw!r}")
    return value


def _hours(name: str, raw: str) -> float:
    return _non_negative_float(name, raw, _SECONDS_MAX / 3600)


def _optional_seconds(name: str, raw: str) -> float | None:
    """Seconds, where `0` or `none` means no limit."""
    if raw.lower() in ("none", "0"):
        return None
    return _non_negative_float(name, raw)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE | _FALSE:
        return lowered in _TRUE
    raise ConfigError(f"{name} must be a boolean (true/false/1/0), got {raw!r}")


def _modules(name: str, raw: str) -> tuple[str, ...]:
    modules = tuple(part.strip() for part in raw.split(",") if part.strip())
    for module in modules:
        if not all(piece.isidentifier() for piece in module.split(".")):
            raise ConfigError(f"{name} must list dotted module names, got {module!r}")
    return modules


def _log_level(name: str, raw: str) -> str:
    level = raw.upper()
    if level not in logging.getLevelNamesMapping():
        known = ", ".join(("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
        raise ConfigError(f"{name} must be one of {known}, got {raw!r}")
    return level


def _log_format(name: str, raw: str) -> str:
    value = raw.lower()
    if value not in ("text", "json"):
        raise ConfigError(f"{name} must be text or json, got {raw!r}")
    return value


def _address(name: str, raw: str) -> str:
    """`host:port`, or `:port` for every interface."""
    _, sep, port = raw.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{name} must be host:port (or :port), got {raw!r}")
    return raw


def _text(name: str, raw: str) -> str:
    return raw


def _database_url(name: str, raw: str) -> str:
    """A `postgresql://` (or `postgres://`) URL, as asyncpg reads them; never echoed whole (it
    may hold a password)."""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as error:
        raise ConfigError(f"{name} is not a valid URL ({error})") from None
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigError(
            f"{name} must be a URL such as postgresql://user:password@host:5432/dbname, got {got}"
        )
    return raw


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


_FIELDS: dict[str, _Field] = {
    # Blank is refused: read as unset, it would boot the embedded server in its place.
    "database_url": _Field(
        "WAYMARK_DATABASE_URL", _database_url, _constant(None), blank_is_unset=False
    ),
    "home": _Field("WAYMARK_HOME", _path, lambda: project_root(Path.cwd()) / ".waymark"),
    "worker_count": _Field("WAYMARK_WORKER_COUNT", _workers, lambda: os.cpu_count() or 1),
    "concurrent_per_worker": _Field("WAYMARK_CONCURRENT_PER_WORKER", _positive_int, _constant(10)),
    "user_modules": _Field("WAYMARK_USER_MODULE", _modules, _constant(())),
    "max_action_lifecycle": _Field("WAYMARK_MAX_ACTION_LIFECYCLE", _positive_int, _constant(None)),
    "max_concurrent_instances": _Field(
        "WAYMARK_MAX_CONCURRENT_INSTANCES", _positive_int, _constant(500)
    ),
    "poll_interval_ms": _Field("WAYMARK_POLL_INTERVAL_MS", _positive_int, _constant(1_000)),
    "lock_ttl_ms": _Field("WAYMARK_LOCK_TTL_MS", _positive_int, _constant(15_000)),
    "lock_heartbeat_ms": _Field("WAYMARK_LOCK_HEARTBEAT_MS", _positive_int, _constant(5_000)),
    "evict_sleep_threshold_ms": _Field(
        "WAYMARK_EVICT_SLEEP_THRESHOLD_MS", _clamped_int, _constant(10_000)
    ),
    "expired_lock_reclaimer_interval_ms": _Field(
        "WAYMARK_EXPIRED_LOCK_RECLAIMER_INTERVAL_MS", _clamped_int, _constant(1_000)
    ),
    "expired_lock_reclaimer_batch_size": _Field(
        "WAYMARK_EXPIRED_LOCK_RECLAIMER_BATCH_SIZE", _clamped_int, _constant(1_000)
    ),
    "scheduler_poll_interval_ms": _Field(
        "WAYMARK_SCHEDULER_POLL_INTERVAL_MS", _positive_int, _constant(30_000)
    ),
    "scheduler_batch_size": _Field("WAYMARK_SCHEDULER_BATCH_SIZE", _positive_int, _constant(100)),
    "garbage_collector_retention_hours": _Field(
        "WAYMARK_GARBAGE_COLLECTOR_RETENTION_HOURS", _hours, _constant(24.0)
    ),
    "garbage_collector_interval_ms": _Field(
        "WAYMARK_GARBAGE_COLLECTOR_INTERVAL_MS", _positive_int, _constant(60_000)
    ),
    "garbage_collector_batch_size": _Field(
        "WAYMARK_GARBAGE_COLLECTOR_BATCH_SIZE", _positive_int, _constant(1_000)
    ),
    "action_timeout_seconds": _Field(
        "WAYMARK_ACTION_TIMEOUT_SECONDS", _optional_seconds, _constant(300.0)
    ),
    "lost_attempt_retries": _Field("WAYMARK_LOST_ATTEMPT_RETRIES", _non_negative_int, _constant(3)),
    "orphaned_attempt_retries": _Field(
        "WAYMARK_ORPHANED_ATTEMPT_RETRIES", _non_negative_int, _constant(20)
    ),
    "shutdown_grace_seconds": _Field(
        "WAYMARK_SHUTDOWN_GRACE_SECONDS", _non_negative_float, _constant(30.0)
    ),
    "log_level": _Field("WAYMARK_LOG_LEVEL", _log_level, _constant("INFO")),
    "log_format": _Field("WAYMARK_LOG_FORMAT", _log_format, _constant("text")),
    "metrics_addr": _Field("WAYMARK_METRICS_ADDR", _address, _constant(None)),
    "skip_wait_for_instance": _Field("WAYMARK_SKIP_WAIT_FOR_INSTANCE", _bool, _constant(False)),
    # The interpreter's limits (docs/runtime.md, "Limits"); defaults as `interpreter.Limits`.
    "max_step_operations": _Field(
        "WAYMARK_MAX_STEP_OPERATIONS", _positive_int, _constant(10_000_000)
    ),
    "max_collection_length": _Field(
        "WAYMARK_MAX_COLLECTION_LENGTH", _positive_int, _constant(1_000_000)
    ),
    "max_string_length": _Field("WAYMARK_MAX_STRING_LENGTH", _positive_int, _constant(10_000_000)),
    "max_int_digits": _Field("WAYMARK_MAX_INT_DIGITS", _digits, _constant(4_300)),
    "max_regex_milliseconds": _Field(
        "WAYMARK_MAX_REGEX_MILLISECONDS", _positive_int, _constant(1_000)
    ),
    # What one action's result or error may weigh as JSON (docs/runtime.md, "Limits").
    "max_payload_bytes": _Field(
        "WAYMARK_MAX_PAYLOAD_BYTES", _positive_int, _constant(32 * 1024 * 1024)
    ),
    # Child workflows (docs/runtime.md, "Child workflows").
    "max_child_depth": _Field("WAYMARK_MAX_CHILD_DEPTH", _positive_int, _constant(100)),
    "max_children": _Field("WAYMARK_MAX_CHILDREN", _positive_int, _constant(10_000)),
    # The dashboard (docs/dashboard.md): served by start-workers when enabled.
    "webapp_enabled": _Field("WAYMARK_WEBAPP_ENABLED", _bool, _constant(False)),
    "webapp_addr": _Field("WAYMARK_WEBAPP_ADDR", _text, _constant("127.0.0.1:24119")),
    "webapp_token": _Field("WAYMARK_WEBAPP_TOKEN", _text, _constant(None)),
    # Clients (docs/operations.md, "Client calls during a database outage").
    "client_connect_retry_seconds": _Field(
        "WAYMARK_CLIENT_CONNECT_RETRY_SECONDS", _non_negative_float, _constant(5.0)
    ),
}


def _check(settings: Settings) -> None:
    """Cross-field rules: a lease must outlive several heartbeats or it expires under load."""
    if settings.lock_heartbeat_ms * 2 > settings.lock_ttl_ms:
        raise ConfigError(
            "WAYMARK_LOCK_HEARTBEAT_MS must be at most half of WAYMARK_LOCK_TTL_MS, got "
            f"{settings.lock_heartbeat_ms} and {settings.lock_ttl_ms}"
        )


def settings() -> Settings:
    """The settings of this process's environment (read on every call: tests change the env)."""
    return Settings.from_env()


def variable_names() -> list[str]:
    """Every `WAYMARK_*` variable the settings read, in the order of the settings."""
    return [field.env for field in _FIELDS.values()]


_PROJECT_MARKERS = ("pyproject.toml", ".git")


def project_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `pyproject.toml` or `.git` (the
    project, so every command run inside it shares one embedded database), else `start`."""
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in _PROJECT_MARKERS):
            return directory
    return start


# Variables of the original product's configuration that have no counterpart here, and why.
_WITHOUT_EFFECT = {
    **{
        name: "it configures the original product's Rust core, which Waymark does not have"
        for name in (
            "WAYMARK_BOOT_BINARY", "WAYMARK_BOOT_COMMAND", "WAYMARK_BRIDGE_BASE_PORT",
            "WAYMARK_BRIDGE_GRPC_ADDR", "WAYMARK_BRIDGE_GRPC_HOST", "WAYMARK_BRIDGE_GRPC_PORT",
            "WAYMARK_BRIDGE_IN_MEMORY", "WAYMARK_EXECUTOR_SHARDS", "WAYMARK_WORKER_GRPC_ADDR",
            "WAYMARK_INSTANCE_DONE_BATCH_SIZE", "WAYMARK_PERSIST_INTERVAL_MS",
            "WAYMARK_RUNNER_PROFILE_INTERVAL_MS",
        )
    },
}  # fmt: skip
_INTERNAL = frozenset({"WAYMARK_WORKER_PROCESS", "WAYMARK_DEBUG"})


def ignored_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each `WAYMARK_*` variable that is set but read by nothing: one of the
    original product's that has no effect here, or an unknown name (with a "did you mean")."""
    env = os.environ if environ is None else environ
    known = set(variable_names()) | _INTERNAL
    warnings = []
    for name in sorted(n for n in env if n.startswith("WAYMARK_") and n not in known):
        if name in _WITHOUT_EFFECT:
            warnings.append(f"{name} has no effect: {_WITHOUT_EFFECT[name]}")
        else:
            close = close_match(name, sorted(known - _INTERNAL))
            hint = f" (did you mean {close}?)" if close else ""
            warnings.append(f"{name} is not a Waymark setting and is ignored{hint}")
    return warnings
