from waymark import Workflow, action, workflow


@action
async def charge(order_id: str) -> int:
    return 1


@workflow
class Logged(Workflow):
    async def run(self, order_id: str, note: str) -> int:
        self.log.info("charging %s", order_id)
        self.log.exception("charge failed", exc_info=False)  # error: WM170 @45
        self.log.inf("typo")  # error: WM170 @18
        self.log.info("with %s", order_id, exc_info=True)  # error: WM170 @44
        self.log.warning()  # error: WM170 @9
        self.log.error(*[note])  # error: WM170 @9
        self.log.info(42)  # error: WM170 @23
        self.log.debug(None)  # error: WM170 @24
        await self.log.info("awaited")  # error: WM170 @15
        line = self.log.info("a value")  # error: WM170 @16
        logger = self.log  # error: WM170 @18
        write = self.log.critical  # error: WM170 @17
        total = await charge(order_id)
        self.helper(total)
        return total + len([self.log.info("x")])  # error: WM170 @29

    def helper(self, total: int) -> None:
        self.log.fatal("total %d", total)  # error: WM170 @18


@workflow
class OwnLog(Workflow):
    """A helper named `log` is the workflow's own: `self.log` is not the logger there."""

    async def run(self, n: int) -> int:
        return self.log(n)

    def log(self, n: int) -> int:
        return n + 1
