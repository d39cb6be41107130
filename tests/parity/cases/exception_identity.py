"""`is` between exceptions as CPython answers it: an exception is one object under every name
(caught, stored in a list or a dict, returned by a helper, raised again), across awaits too,
and never the same object as an equal-looking one built apart."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class QuotaError(Exception):
    def __init__(self, used: int) -> None:
        super().__init__(f"used {used}")
        self.used = used


@action
async def charge(n: int) -> int:
    if n > 2:
        raise QuotaError(n)
    return n


def check(n: int) -> int:
    if n < 0:
        raise ValueError(n)
    return n


@workflow
class ExceptionIdentity(Workflow):
    async def run(self, n: int) -> object:
        err = ValueError("first")
        twin = ValueError("first")
        held = [err]
        by_name = {"err": err}
        try:
            raise err
        except ValueError as caught:
            raised_again = [caught is err, caught is not twin, held[0] is caught]
        await asyncio.sleep(0)
        after = [held[0] is err, by_name["err"] is err, err is twin, err is None, twin is not err]
        try:
            check(-n)
        except ValueError as first:
            kept = first
        try:
            await charge(n)
            failed: object = None
        except QuotaError as quota:
            failed = quota
        await asyncio.sleep(0)
        later = [kept is kept, kept is not err, failed is None, self.same(kept, kept)]
        return [raised_again, after, later, self.rethrown(err)]

    def same(self, a: object, b: object) -> bool:
        return a is b

    def rethrown(self, err: Exception) -> list[bool]:
        try:
            try:
                raise err
            except ValueError as inner:
                raise inner
        except ValueError as outer:
            return [outer is err, outer is not None]
