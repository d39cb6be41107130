from waymark import Workflow, workflow


@workflow
class YieldWorkflow(Workflow):
    async def run(self, xs: list[int]) -> None:
        for x in xs:
            yield x  # error: WM110 @13
            total = 1 + (yield x)  # error: WM110 @26
        total = sum(self.running(xs)) + sum(self.closing([]))
        total += sum(self.guarded([])) + sum(self.watched([])) + sum(self.tolerant([]))

    def running(self, xs: list[int]) -> object:
        for x in xs:
            sent = yield x  # what `send` gives: a value
            xs.append((yield sent))  # a value inside an expression
        done = yield from xs  # the value of `yield from`: what the iterator returns
        xs.append(done)

    def closing(self, log: list[str]) -> object:
        try:
            yield 1  # error: WM110 @13
        finally:
            log.append("closed")

    def guarded(self, log: list[str]) -> object:
        try:
            yield 1  # error: WM110 @13
        except BaseException:
            log.append("closed")
            raise

    def watched(self, log: list[str]) -> object:
        try:
            yield 1  # error: WM110 @13
        except (ValueError, GeneratorExit):
            log.append("closed")
            raise

    def tolerant(self, log: list[str]) -> object:
        try:
            yield 1
        except Exception:
            log.append("failed")
        yield 2
