"""A daily data pipeline: list a dataset's partitions, process every one in parallel, load a
summary.

The fan-out is as wide as the data: one `extract_partition` action per partition, all queued
at once and spread over the workers, each retried on its own when it fails. The partitions are
simulated (no storage): each day's rows are derived from the dataset name and the date, and
every seventh day has a few rejected rows, so the summary has something to report.
"""

import asyncio
import hashlib
from datetime import date, timedelta

from pydantic import BaseModel

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow


class PartitionStats(BaseModel):
    partition: str
    rows: int
    rejected: int


class Summary(BaseModel):
    dataset: str
    partitions: int
    rows: int
    rejected: int
    partitions_with_rejects: list[str]
    table: str


class StorageUnavailable(ConnectionError):
    pass


@action
async def list_partitions(dataset: str, end: str, days: int) -> list[str]:
    last = date.fromisoformat(end)
    return [(last - timedelta(days=offset)).isoformat() for offset in range(days - 1, -1, -1)]


@action
async def extract_partition(dataset: str, partition: str) -> PartitionStats:
    digest = hashlib.sha256(f"{dataset}/{partition}".encode()).digest()
    rows = 1_000 + int.from_bytes(digest[:2], "big") % 9_000
    rejected = digest[2] % 5 + 1 if date.fromisoformat(partition).toordinal() % 7 == 0 else 0
    return PartitionStats(partition=partition, rows=rows, rejected=rejected)


@action
async def load_summary(dataset: str, rows: int, rejected: int) -> str:
    return f"analytics.{dataset}_daily"


@workflow
class DataPipelineWorkflow(Workflow):
    async def run(self, dataset: str, end: str, days: int = 30) -> Summary:
        partitions = await list_partitions(dataset, end, days)
        stats = await asyncio.gather(
            *[
                self.run_action(
                    extract_partition(dataset, partition),
                    retry=RetryPolicy(attempts=3, exception_types=[StorageUnavailable]),
                    backoff=BackoffPolicy(base_delay=1, multiplier=2),
                )
                for partition in partitions
            ]
        )
        rows = sum(part.rows for part in stats)
        rejected = sum(part.rejected for part in stats)
        with_rejects = [part.partition for part in stats if part.rejected > 0]
        table = await load_summary(dataset, rows, rejected)
        return Summary(
            dataset=dataset,
            partitions=len(stats),
            rows=rows,
            rejected=rejected,
            partitions_with_rejects=with_rejects,
            table=table,
        )
