"""The action generated programs await (so every generated program also pauses and resumes)."""

from __future__ import annotations

from waymark import action


@action
async def echo(value: object) -> object:
    return value
