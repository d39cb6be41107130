"""Storage backends of the runtime, both answering the runner's contract (`contract`): the
durable PostgreSQL store lives in `postgres`, the in-memory one for `LocalRuntime` in `memory`."""
