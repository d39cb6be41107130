from waymark import Workflow, workflow


class NotAWorkflow:
    async def run(self, n: int) -> int:
        return n


@workflow
class Countdown(Workflow):
    async def run(self, n: int) -> int:
        if n <= 0:
            return 0
        rest = await Countdown().run(n - 1)
        extra = await Countdown().run(n - 1, 2)  # error: WM160 @46
        twice = await Countdown().run(n - 1, n=n)  # error: WM160 @46
        spread = await Countdown().run(*[n])  # error: WM160 @40
        later = await Countdown(n).run(n=n)  # error: WM160 @23
        fire = await Countdown().run(n=n, _blocking=n > 1)  # error: WM160 @43
        other = await NotAWorkflow().run(n=n)  # error: WM102 @23
        timed = await Countdown().run(n=n, _timeout=5)  # error: WM160 @44
        keyed = await Countdown().run(n=n, _idempotency_key="k")  # error: WM160 @44
        return rest + extra + twice + spread + later + len(fire) + other + timed + keyed
