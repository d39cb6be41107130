from functools import partial

from waymark import Workflow, action, workflow


@action
async def send_email(to: str) -> None:
    return None


def plain(to: str) -> None:
    return None


SENDERS = {"email": send_email}
MIXED = {"email": send_email, "plain": plain}
TO_ADMIN = partial(send_email, "admin@example.com")


@workflow
class ForgetfulWorkflow(Workflow):
    async def run(self, to: str, kind: str) -> None:
        send_email(to)  # error: WM106 @9
        SENDERS[kind](to)  # error: WM106 @9
        TO_ADMIN()  # error: WM106 @9
        MIXED[kind](to)  # a plain function may be picked: decided when it runs
