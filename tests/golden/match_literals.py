from waymark import Workflow, workflow


@workflow
class MatchLiteralsWorkflow(Workflow):
    async def run(self, command: object) -> str:
        match command:
            case "start" | "go":
                result = "starting"
            case 0 | -1:
                result = "zero or minus one"
            case 3.5:
                result = "float"
            case None:
                result = "none"
            case True:
                result = "true"
            case str() if len(command) > 10:
                result = "long"
            case other:
                result = f"other: {other}"
        return result
