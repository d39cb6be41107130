from waymark import Workflow, workflow


@workflow
class Quits(Workflow):
    async def run(self, code: int) -> int:
        try:
            if code > 1:
                raise SystemExit(code)  # error: WM101 @23
            if code:
                raise KeyboardInterrupt  # error: WM101 @23
        except BaseException as error:
            return len(str(error))
        return 0
