"""Worker processes: the pool the runner dispatches action attempts to, and the process main.

Only worker processes import user code (`WAYMARK_USER_MODULE`); the runner talks to them over
pipes with length-prefixed JSON frames (`protocol`). `cli.main` is the `start-workers` command.
"""
