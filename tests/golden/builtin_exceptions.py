from waymark import Workflow, action, workflow


@action
async def parse(text: str) -> int:
    return int(text)


@workflow
class BuiltinExceptionsWorkflow(Workflow):
    async def run(self, text: str) -> int:
        try:
            return await parse(text)
        except (ValueError, TypeError):
            return -1
        except KeyError as missing:
            raise LookupError(str(missing))
        except ZeroDivisionError:
            raise
        except BaseException:
            return -2
