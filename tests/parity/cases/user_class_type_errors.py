"""Python's `TypeError` when a builtin, a method or a subscript meets a value of the user's
own class that it cannot use (a dataclass or model without `__index__`, a plain enum member,
an exception): the message names the user's class, as CPython's does."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from pydantic import BaseModel

from waymark import Workflow, action, workflow


@dataclass
class Plain:
    x: int


class Note(BaseModel):
    text: str


class Color(enum.Enum):
    RED = 1


@action
async def plain_of(x: int) -> Plain:
    return Plain(x)


@workflow
class IndexRefusals(Workflow):
    async def run(self, which: str) -> list[str]:
        if which == "dataclass":
            value = await plain_of(1)
        elif which == "model":
            value = Note(text="n")
        elif which == "enum":
            value = Color.RED
        else:
            value = ValueError("v")
        seen = []
        try:
            range(value)
        except TypeError as e:
            seen.append(str(e))
        try:
            hex(value)
        except TypeError as e:
            seen.append(str(e))
        try:
            range(3, value)
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append([1, 2][value])
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append("abc"[value])
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append("ab" * value)
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append("abc".center(value))
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append(re.split(",", "a,b", maxsplit=value))
        except TypeError as e:
            seen.append(str(e))
        try:
            seen.append(list(iter(value)))
        except TypeError as e:
            seen.append(str(e))
        return seen
