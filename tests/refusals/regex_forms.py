import re

from waymark import Workflow, action, workflow


@action
async def shout(word: str) -> str:
    return word.upper()


@workflow
class RegexFormsWorkflow(Workflow):
    async def run(self, text: str) -> list[object]:
        upper = re.sub(r"\w+", lambda m, n: m.group(0), text)  # error: WM142 @32
        loud = re.subn(r"\w+", shout, text)  # error: WM142 @32
        purged = re.purge()  # error: WM101 @18
        return [upper, loud, purged]
