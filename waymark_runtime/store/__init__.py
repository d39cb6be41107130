"""Storage backends of the runtime: the durable PostgreSQL store lives in `postgres`."""
