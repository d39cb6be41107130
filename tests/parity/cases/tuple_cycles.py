"""Instances whose fields lead back to a tuple that holds them (`team = (a, b); a.team =
team`): the user's `__eq__` and `__hash__` run on real objects rebuilt with Python's
identities, so every member sees the one tuple, also through a nested tuple or a list, and a
hashable member is found in a dict held beside it in that tuple."""

from __future__ import annotations

from waymark import Workflow, action, workflow


class Member:
    def __init__(self, name: str) -> None:
        self.name = name
        self.team: object = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Member) and self.team is other.team

    def __hash__(self) -> int:
        return hash(self.name)


@action
async def echo(value: int) -> int:
    return value


@workflow
class SharedTeam(Workflow):
    async def run(self, n: int) -> object:
        a, b, c = Member("a"), Member("b"), Member("c")
        team = (a, b)
        a.team = team
        b.team = team
        c.team = ((a, [b, c]),)
        nested = c.team
        a_, b_ = a.team
        await echo(n)  # the members are saved and loaded again
        index = {a: 1, c: 3}
        held = (index, c)
        c.team = held
        found = index[c] + (await echo(n))
        return [a == b, b == a, a == c, a_ == b_, nested[0][1][1] == c, found, held[0][a]]
