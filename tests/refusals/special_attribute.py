from waymark import Workflow, action, workflow


class PaymentError(Exception):
    pass


@action
async def charge(amount: int) -> str:
    return f"charged {amount}"


@workflow
class SpecialAttributeWorkflow(Workflow):
    async def run(self, amount: int) -> list[object]:
        try:
            receipt = await charge(amount)
        except PaymentError as error:
            names = [type(error).__name__, error.__class__.__name__, error.args]
            cause = error.__cause__
            context = getattr(error, "__context__")
            where = error.__traceback__  # error: WM152 @21
            notes = getattr(error, "__notes__")  # an exception keeps its notes
            kind = error.__class__  # error: WM152 @20
            error.__cause__ = None  # error: WM152 @13
            label = "{0.__class__}".format(error)  # error: WM138 @21
            return [names, cause, context, where, notes, kind, label, receipt.__len__]  # error: WM152 @71
        return [receipt]
