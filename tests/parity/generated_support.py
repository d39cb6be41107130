"""The action generated programs await (so every generated program also pauses and resumes),
and the dataclass whose fields they assign."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import action


@dataclass
class Box:
    n: int = 0


@action
async def echo(value: object) -> object:
    return value
