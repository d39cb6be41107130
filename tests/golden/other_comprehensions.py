from waymark import Workflow, workflow


@workflow
class OtherComprehensionsWorkflow(Workflow):
    async def run(self, words: list[str]) -> list[object]:
        lengths = {word: len(word) for word in words}
        initials = {word[0] for word in words if word}
        any_long = any(len(word) > 5 for word in words)
        total = sum(len(word) for word in words)
        inverted = {v: k for k, v in lengths.items()}
        return [lengths, initials, any_long, total, inverted]
