"""Flow control: how many instances of a workflow run at once, and how fast an action starts.

`Concurrency` (on `@workflow`) bounds the running instances of a workflow, per value of one of
its inputs; `concurrency=` and `RateLimit` (on `@action`) bound the attempts of an action that
execute at once, and the attempts that start per period, across every runner. This module holds
the user-facing types with their checks, the rules a store keeps for workflows (`FlowRule`), and
`grant`, the one decision of which waiting attempts may start now (both stores call it). No I/O.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import WaymarkError
from waymark_runtime.options import checked_timeout

if TYPE_CHECKING:
    from waymark_runtime.workflows import WorkflowDefinition


class FlowConfigError(WaymarkError, ValueError):
    """a concurrency limit or rate limit is malformed"""


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FlowConfigError(f"{what} must be an int >= 1, got {value!r}")
    if value < 1:
        raise FlowConfigError(f"{what} must be >= 1, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Concurrency:
    """At most `limit` running instances of a workflow per value of its input `key` (`None`:
    of the workflow as a whole). Running means admitted and not finished: an instance sleeping
    or waiting for an action holds its place. The others wait, in submission order."""

    key: str | None = None
    limit: int = 1

    def __post_init__(self) -> None:
        if self.key is not None and (not isinstance(self.key, str) or not self.key):
            raise FlowConfigError(
                f"Concurrency(key=...) names an input of run() or is None, got {self.key!r}"
            )
        _count(self.limit, "Concurrency(limit=...)")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` attempts of an action start in any window of `per` (seconds or a
    `timedelta`), across every runner."""

    limit: int
    per: timedelta | float = timedelta(seconds=1)

    def __post_init__(self) -> None:
        _count(self.limit, "RateLimit(limit)")
        per = self.per
        if isinstance(per, bool) or not isinstance(per, timedelta | int | float):
            raise FlowConfigError(f"RateLimit(per=...) must be a timedelta or seconds, got {per!r}")
        if self.seconds <= 0:
            raise FlowConfigError(f"RateLimit(per=...) must be positive, got {per!r}")

    @property
    def seconds(self) -> float:
        return self.per.total_seconds() if isinstance(self.per, timedelta) else float(self.per)


@dataclass(frozen=True, slots=True)
class ActionLimits:
    """The limits of one action: attempts executing at once, and starts per window."""

    concurrency: int | None = None
    rate: RateLimit | None = None

    @classmethod
    def checked(cls, concurrency: object, rate_limit: object) -> ActionLimits | None:
        """The limits `@action(concurrency=, rate_limit=)` asked for (None: unlimited)."""
        if concurrency is not None:
            _count(concurrency, "@action(concurrency=...)")
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise FlowConfigError(
                f"@action(rate_limit=...) takes a waymark.RateLimit, got {rate_limit!r}"
            )
        if concurrency is None and rate_limit is None:
            return None
        return cls(concurrency, rate_limit)  # type: ignore[arg-type]


def check_concurrency(concurrency: object, cls: type, signature: inspect.Signature) -> None:
    """`@workflow(concurrency=...)`: a `Concurrency` whose key is a named input of run()."""
    if not isinstance(concurrency, Concurrency):
        raise FlowConfigError(
            f"@workflow(concurrency=...) takes a waymark.Concurrency, got {concurrency!r}"
        )
    if concurrency.key is None:
        return
    names = [p.name for p in list(signature.parameters.values())[1:]
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]  # fmt: skip
    if concurrency.key not in names:
        raise FlowConfigError(
            f"{cls.__name__}: Concurrency(key={concurrency.key!r}) is not an input of run() "
            f"(its inputs: {', '.join(names) or 'none'})"
        )


# -- workflow rules, as a store keeps them ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowRule:
    """What a store keeps for one workflow: `limit` None means unlimited (no rule). `default`
    is the JSON of the key input's default, for instances started without it. `timeout` is the
    workflow's default deadline in seconds (its class `timeout`), given to every instance
    created without one of its own: by a schedule, a parent, a retry or a requeue."""

    workflow: str
    key: str | None = None
    limit: int | None = None
    default: Any = None
    timeout: float | None = None


def rules_of(
    definition: WorkflowDefinition, family: Sequence[WorkflowDefinition]
) -> tuple[FlowRule, ...]:
    """The rules of a workflow and of its `family` (`workflows.family_of`: every workflow it
    may start as a child)."""
    return tuple(_rule(member) for member in [definition, *family])


def _rule(definition: WorkflowDefinition) -> FlowRule:
    timeout = checked_timeout(getattr(definition.cls, "timeout", None), "timeout")
    concurrency = getattr(definition.cls, "__waymark_concurrency__", None)
    if concurrency is None:
        return FlowRule(definition.name, timeout=timeout)
    default = None
    if concurrency.key is not None:
        parameter = definition.signature.parameters[concurrency.key]
        if parameter.default is not inspect.Parameter.empty:
            from waymark_runtime.values import to_json

            default = to_json(parameter.default)
    return FlowRule(definition.name, concurrency.key, concurrency.limit, default, timeout)


def flow_key(rule: FlowRule, inputs: dict[str, Any]) -> str:
    """The queue an instance of `rule`'s workflow waits in: the workflow, and the JSON text of
    its key input (as the `waymark_flow_created` trigger computes it)."""
    if rule.key is None:
        return rule.workflow
    from waymark_runtime.store.pg_batch import dumps

    value = inputs.get(rule.key, rule.default)
    return f"{rule.workflow}:{dumps(value)}"


# -- action slots ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """An attempt waiting for its action's limits, under claim `epoch` of its instance."""

    instance_id: str
    epoch: int
    node: str
    attempt: int
    action: str
    limits: ActionLimits

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.instance_id, self.node, self.attempt)


@dataclass(frozen=True, slots=True)
class Grants:
    """Which requests may start now; `retry_at`: when a request held back by a rate limit may
    be asked for again (None when none is)."""

    granted: list[SlotRequest]
    starts: dict[str, list[float]]
    """The recent start times of each rate-limited action, the grants included."""
    retry_at: float | None = None


def grant(
    requests: Sequence[SlotRequest],
    running: dict[str, int],
    starts: dict[str, list[float]],
    now: float,
    started: Collection[tuple[str, str, int]] = (),
) -> Grants:
    """Grant requests in order while their action has a free slot (`running` counts its
    executing attempts) and fewer than `limit` starts in the window `(now - per, now]`
    (`starts`: its recent start times). An action's requests are granted in their order: one
    held back holds back those after it.

    `started` are the keys of requests a grant already started (its transaction committed,
    but its answer was lost with the connection): they are granted again as they are, their
    slot counted in `running` and their start in `starts`, so asking again is harmless."""
    running = dict(running)
    recent = {action: [t for t in times if t > now - _window(requests, action)]
              for action, times in starts.items()}  # fmt: skip
    granted: list[SlotRequest] = []
    blocked: set[str] = set()
    retry_at: float | None = None
    for request in requests:
        action, limits = request.action, request.limits
        if request.key in started:
            granted.append(request)
            continue
        if action in blocked:
            continue
        if limits.concurrency is not None and running.get(action, 0) >= limits.concurrency:
            blocked.add(action)
            continue
        if limits.rate is not None:
            times = recent.setdefault(action, [])
            if len(times) >= limits.rate.limit:
                blocked.add(action)
                # never now itself: `now - per` may round to just below the oldest start
                free_at = max(sorted(times)[-limits.rate.limit] + limits.rate.seconds, now + 1e-6)
                retry_at = free_at if retry_at is None else min(retry_at, free_at)
                continue
            times.append(now)
        running[action] = running.get(action, 0) + 1
        granted.append(request)
    kept = {a: sorted(t)[-_rate(requests, a) :] for a, t in recent.items() if _rate(requests, a)}
    return Grants(granted, kept, retry_at)


def _limits_of(requests: Sequence[SlotRequest], action: str) -> ActionLimits | None:
    return next((r.limits for r in requests if r.action == action), None)


def _window(requests: Sequence[SlotRequest], action: str) -> float:
    limits = _limits_of(requests, action)
    return limits.rate.seconds if limits is not None and limits.rate is not None else 0.0


def _rate(requests: Sequence[SlotRequest], action: str) -> int:
    limits = _limits_of(requests, action)
    return limits.rate.limit if limits is not None and limits.rate is not None else 0
