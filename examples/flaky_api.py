"""Fetch exchange rates from an unreliable API, retrying each call with exponential backoff.

`self.run_action` gives one call a retry budget (`RetryPolicy`), the exceptions worth retrying,
a delay that doubles between tries (`BackoffPolicy`) and a per-try deadline. Retries are
durable: the next try is a row in the database with a `ready_at` time, not a coroutine
sleeping on a worker. The API is simulated: every call for a (request, currency) pair is
counted in a file (so all worker processes agree), and of every three calls the first two fail.
An unknown currency fails at once and is not retried.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

RATES = {"EUR": 0.92, "GBP": 0.79, "JPY": 151.3, "CHF": 0.88}


class UpstreamUnavailable(ConnectionError):
    pass


class UnknownCurrency(ValueError):
    pass


def _count_call(request_id: str, currency: str) -> int:
    """Record one call; returns how many calls this pair has had (appends are atomic)."""
    folder = Path(tempfile.gettempdir()) / "waymark-flaky-api"
    folder.mkdir(exist_ok=True)
    handle = os.open(folder / f"{request_id}-{currency}", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        os.write(handle, b".")
        return os.fstat(handle).st_size
    finally:
        os.close(handle)


@action
async def fetch_rate(request_id: str, currency: str) -> float:
    if currency not in RATES:
        raise UnknownCurrency(f"no rate for {currency}")
    if _count_call(request_id, currency) % 3 != 0:
        raise UpstreamUnavailable(f"rates API unavailable for {currency} (503)")
    return RATES[currency]


@workflow
class FlakyApiWorkflow(Workflow):
    async def run(self, request_id: str, currencies: list[str]) -> dict[str, float | None]:
        rates: dict[str, float | None] = {}
        for currency in currencies:
            try:
                rates[currency] = await self.run_action(
                    fetch_rate(request_id, currency),
                    retry=RetryPolicy(attempts=5, exception_types=[UpstreamUnavailable]),
                    backoff=BackoffPolicy(base_delay=0.2, multiplier=2.0, max_delay=2.0),
                    timeout=timedelta(seconds=10),
                )
            except UnknownCurrency:
                rates[currency] = None
        return rates
