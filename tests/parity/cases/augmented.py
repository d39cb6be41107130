"""Augmented assignments that fail: CPython's TypeError names the augmented operator
(`unsupported operand type(s) for //=: 'int' and 'str'`), not the binary one it falls back to,
whatever the target (a name, an item, an attribute) and the operands (ints, a model)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Account(BaseModel):
    balance: int = 0


@dataclass
class Tally:
    total: int = 0


@action
async def echo(value: object) -> object:
    return value


@action
async def open_account() -> Account:
    return Account()


@workflow
class AugmentedNames(Workflow):
    """Every augmented operator on a name, with an expression right operand."""

    async def run(self, base: object, other: object) -> list[str]:
        out: list[str] = []
        await echo(None)
        n = base
        try:
            n += other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n -= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n *= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n /= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n //= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n %= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n **= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n &= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n |= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n ^= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n <<= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n >>= other
        except TypeError as error:
            out.append(str(error))
        n = base
        try:
            n @= other
        except TypeError as error:
            out.append(str(error))
        return out


@workflow
class AugmentedTargets(Workflow):
    """Constant operands, items, attributes of models and dataclasses, a model operand."""

    async def run(self, other: object) -> list[str]:
        out: list[str] = []
        number = await echo(3)
        account = await open_account()
        tally = Tally()
        row = {"n": 1}
        cells = [1.5]
        try:
            number //= "x"
        except TypeError as error:
            out.append(str(error))
        try:
            number **= None
        except TypeError as error:
            out.append(str(error))
        try:
            row["n"] -= other
        except TypeError as error:
            out.append(str(error))
        try:
            cells[0] %= other
        except TypeError as error:
            out.append(str(error))
        try:
            account.balance <<= other
        except TypeError as error:
            out.append(str(error))
        try:
            tally.total **= other
        except TypeError as error:
            out.append(str(error))
        try:
            number += account
        except TypeError as error:
            out.append(str(error))
        try:
            account += number
        except TypeError as error:
            out.append(str(error))
        try:
            row |= other
        except (TypeError, ValueError) as error:
            out.append(str(error))
        await echo(None)
        return [*out, str(number), str(row), str(cells), str(tally.total)]
