"""`waymark dashboard`: serves the app on the given address against WAYMARK_DATABASE_URL, and
refuses an open address without a token before touching the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.dashboard.test_served import free_port

WAYMARK = [sys.executable, "-m", "waymark"]


def test_an_open_address_without_a_token_is_a_usage_error(tmp_path: Path) -> None:
    env = {**os.environ, "WAYMARK_HOME": str(tmp_path / ".waymark")}
    env.pop("WAYMARK_WEBAPP_TOKEN", None)
    result = subprocess.run([*WAYMARK, "dashboard", "--addr", "0.0.0.0:24119", "--no-open"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                            check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "not a loopback address" in result.stderr and "WAYMARK_WEBAPP_TOKEN" in result.stderr
    assert not (tmp_path / ".waymark").exists()  # refused before booting a database


def test_it_serves_until_interrupted(database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "WAYMARK_DATABASE_URL": database}
    process = subprocess.Popen([*WAYMARK, "dashboard", "--addr", f"127.0.0.1:{port}", "--no-open"],
                               cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert response.json() == {"status": "ok"}
        assert "<h1>Runs</h1>" in httpx.get(f"http://127.0.0.1:{port}/runs").text
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "dashboard stopped" in stderr
    assert f"dashboard on http://127.0.0.1:{port}/runs" in stderr
    assert "Traceback" not in stderr
