"""Waymark's benchmark suite: `python -m benchmarks` (see benchmarks/README.md).

Runs the workloads of the performance targets (W1-W7 on PostgreSQL through a real
`start-workers` process, C1 and I1 in process), compares each with a baseline measured in the
same run, and reports a table and JSON. It is a client of the runtime, never part of it.
"""
