"""Storage backends of the runtime, both implementing `waymark_runtime.engine.Store`: the
durable PostgreSQL store lives in `postgres`, the in-memory one for `LocalRuntime` in `memory`."""
