from waymark import Workflow, action, workflow


class PaymentDeclined(Exception):
    pass


class CardExpired(PaymentDeclined):
    pass


@action
async def charge(card: str) -> str:
    return "ok"


@action
async def refund(card: str) -> None:
    return None


@workflow
class PaymentWorkflow(Workflow):
    async def run(self, card: str) -> str:
        try:
            receipt = await charge(card)
        except CardExpired as error:
            receipt = f"expired: {error}"
        except (PaymentDeclined, ValueError) as error:
            await refund(card)
            receipt = str(error.args)
        except Exception:
            receipt = "failed"
        try:
            await refund(card)
        except:
            pass
        return receipt
