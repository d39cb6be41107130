import hashlib
import hmac

from waymark import Workflow, workflow


@workflow
class KeptMac(Workflow):
    async def run(self, key: bytes, message: bytes) -> list[object]:
        mac = hmac.new(key, message, hashlib.sha256)  # error: WM101 @15
        odd = hmac.new(key, message, hashlib.new).hexdigest()  # error: WM101 @15
        return [mac, odd]
