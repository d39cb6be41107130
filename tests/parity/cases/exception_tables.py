"""Exception classes in module constants: a tuple of classes in `except` and `isinstance`,
and tables holding exception classes as keys and items (`{ValueError: "bad input"}`,
`[PermissionError, QuotaExceeded]`, `{"quota": QuotaExceeded}`), read with `type(error)`, as
Python does."""

from __future__ import annotations

from waymark import Workflow, action, workflow


class QuotaExceeded(Exception):
    pass


RETRYABLE = (TimeoutError, ConnectionError)
MESSAGES = {ValueError: "bad input", KeyError: "missing", QuotaExceeded: "over quota"}
FATAL = [PermissionError, QuotaExceeded]
BY_NAME = {"timeout": TimeoutError, "quota": QuotaExceeded}


@action
async def call_billing_api(kind: str) -> str:
    failures = {
        "slow": TimeoutError("upstream slow"),
        "reset": ConnectionResetError("reset by peer"),
        "bad": ValueError("bad amount"),
        "quota": QuotaExceeded("plan limit"),
        "key": KeyError("customer"),
        "perm": PermissionError("denied"),
    }
    if kind in failures:
        raise failures[kind]
    return "charged"


@workflow
class ChargeWithTriage(Workflow):
    async def run(self, kind: str) -> object:
        try:
            return await call_billing_api(kind)
        except RETRYABLE as error:
            return ["retry later", isinstance(error, RETRYABLE), type(error).__name__]
        except Exception as error:
            kind_of = type(error)
            names = [name for name, cls in BY_NAME.items() if cls == kind_of]
            rebuilt = BY_NAME["quota"]("rebuilt")
            return {
                "message": MESSAGES.get(kind_of, "unknown"),
                "fatal": kind_of in FATAL,
                "names": names,
                "rebuilt": [str(rebuilt), type(rebuilt).__name__],
                "first": next(iter(MESSAGES)) is ValueError,
            }
