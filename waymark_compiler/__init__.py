"""The Waymark compiler: a libcst frontend that lowers `@workflow` classes to the Waymark
Runtime Language, its checks and diagnostics, and the `waymark` CLI."""
