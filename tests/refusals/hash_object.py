import bisect
import hashlib
import heapq

from waymark import Workflow, workflow

QUEUE = [3, 1, 2]


@workflow
class HashObjectWorkflow(Workflow):
    async def run(self, text: str, n: int) -> list[object]:
        running = hashlib.sha256()  # error: WM101 @19
        running.update(text.encode())
        heapq.heappush(QUEUE, n)  # error: WM132 @9
        bisect.insort(QUEUE, n)  # error: WM132 @9
        rank = bisect.bisect(QUEUE, n, key=len)  # error: WM142 @40
        shake = hashlib.shake_128(text.encode()).hexdigest(8)  # error: WM101 @17
        top = heapq.nlargest(2, QUEUE, key=len, reverse=True)  # error: WM142 @15
        spelled = hashlib.sha256(text.encode()).hexdigest(4)  # error: WM101 @19
        return [running.hexdigest(), shake, top, spelled, rank, heapq.nsmallest(1, QUEUE)]  # error: WM141 @25
