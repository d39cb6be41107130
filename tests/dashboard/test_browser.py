"""The dashboard in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven
by Selenium): open each page, see a real run's graph laid out by the vendored Graphviz with no
`dot` program on PATH, click retry, cancel (accepting its confirmation) and pause, and save a
screenshot of each page under test-artifacts/dashboard/. Skips, saying why, without them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.dashboard import seed
from tests.runtime.support import ROOT, emptied_store
from waymark_runtime.schedules import Schedules
from waymark_runtime.store.contract import RunnerInfo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PATH without graphviz's `dot`: a directory of links to every other program on PATH."""
    shadow = tmp_path / "bin"
    shadow.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        for program in Path(directory).glob("*") if Path(directory).is_dir() else ():
            if program.name != "dot" and not (shadow / program.name).exists():
                (shadow / program.name).symlink_to(program)
    monkeypatch.setenv("PATH", str(shadow))
    assert shutil.which("dot") is None


@pytest.fixture
def runs(database: str, worker_env: object) -> dict[str, str]:
    """A real finished run with a child (run by a runner), a failed run, a held one (running,
    sleeping), a queued one and a schedule."""

    async def make() -> dict[str, str]:
        async with emptied_store(database) as store:
            parent, child = await seed.checkout(database, store)
            now = time.time()
            failed = await seed.failed(store, now - 40, "payment provider said no")
            held = await seed.held(store, now - 20)
            runner = RunnerInfo(id="runner-1", host="worker-host-1", pid=4242, worker_count=4)
            await store.register_runner(runner, now - 20)
            await seed.queued(store, now - 5)
            await Schedules(store).register(seed.SINGLE.name, "hourly-report", timedelta(hours=1),
                                            inputs={"value": 5})  # fmt: skip
            return {"failed": failed, "held": held, "parent": parent, "child": child}

    return asyncio.run(make())


@pytest.fixture
def server(database: str) -> Iterator[str]:
    """The dashboard on a free loopback port, served by uvicorn in a thread."""
    import uvicorn

    from waymark.dashboard import create_app

    config = uvicorn.Config(create_app(database), host="127.0.0.1", port=0, log_level="warning")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    port = served.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(30)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1400"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def test_a_person_opens_each_page_and_steers_runs(
    no_dot: None, server: str, browser: object, runs: dict[str, str]
) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver: object = browser
    # Live refreshes swap page fragments in: an element found a moment ago may be replaced.
    wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))  # type: ignore[arg-type]
    driver.get(f"{server}/runs")  # type: ignore[attr-defined]
    assert driver.find_element(By.TAG_NAME, "h1").text == "Runs"  # type: ignore[attr-defined]
    rows = driver.find_elements(By.CSS_SELECTOR, "table.runs tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 5
    wait.until(lambda d: "on" in d.find_element(By.CLASS_NAME, "live-dot").get_attribute("class"))
    shot(driver, "runs")

    driver.find_element(By.LINK_TEXT, runs["parent"][:8]).click()  # type: ignore[attr-defined]
    svg = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "figure.graph.drawn svg"))
    assert "reserve(item)" in svg.text and "Charge" in svg.text  # laid out by viz.js, no `dot`
    fills = {
        p.get_attribute("fill")
        for p in svg.find_elements(By.CSS_SELECTOR, "g.node path, g.node polygon, g.node ellipse")
    }
    assert "#b7e1c1" in fills  # the nodes the run went through, coloured done
    assert "declined: card declined for 250" in driver.page_source  # type: ignore[attr-defined]
    shot(driver, "run")
    driver.execute_script("arguments[0].scrollIntoView()", svg)  # type: ignore[attr-defined]
    shot(driver, "run-graph")
    driver.set_window_size(1280, 2300)  # type: ignore[attr-defined]
    driver.execute_script("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    shot(driver, "run-full")  # the README's screenshot
    driver.set_window_size(1280, 1400)  # type: ignore[attr-defined]
    driver.find_element(By.LINK_TEXT, runs["child"][:8]).click()  # type: ignore[attr-defined]
    traceback = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "pre.traceback"))
    assert "in _refuse" in traceback.text
    shot(driver, "run-child")
    driver.find_element(By.ID, "parent-link").click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "figure.graph.drawn svg"))
    driver.back()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "pre.traceback"))
    wait.until(lambda d: "on" in d.find_element(By.CLASS_NAME, "live-dot").get_attribute("class"))

    driver.get(f"{server}/runs")  # type: ignore[attr-defined]
    driver.find_element(By.LINK_TEXT, runs["failed"][:8]).click()  # type: ignore[attr-defined]
    assert "payment provider said no" in driver.page_source  # type: ignore[attr-defined]
    shot(driver, "run-failed")
    driver.find_element(By.XPATH, "//button[text()='Retry']").click()  # type: ignore[attr-defined]
    notice = wait.until(expected_conditions.presence_of_element_located((By.CLASS_NAME, "notice")))
    assert "started as a retry" in notice.text

    driver.get(f"{server}/runs/{runs['held']}")  # type: ignore[attr-defined]
    shot(driver, "run-held")
    driver.find_element(By.XPATH, "//button[text()='Cancel']").click()  # type: ignore[attr-defined]
    wait.until(expected_conditions.alert_is_present()).accept()
    wait.until(lambda d: d.find_element(By.ID, "run-status").text == "cancelled")

    driver.get(f"{server}/workers")  # type: ignore[attr-defined]
    assert "payment provider said no" in driver.page_source  # type: ignore[attr-defined]
    runners = wait.until(lambda d: d.find_element(By.ID, "runners").text)
    assert "runner-1" in runners and "worker-host-1" in runners
    shot(driver, "workers")

    driver.get(f"{server}/schedules")  # type: ignore[attr-defined]
    driver.find_element(By.XPATH, "//button[text()='Pause']").click()  # type: ignore[attr-defined]
    wait.until(lambda d: "paused schedule hourly-report" in d.page_source)
    wait.until(lambda d: "on" in d.find_element(By.CLASS_NAME, "live-dot").get_attribute("class"))
    assert driver.find_element(By.XPATH, "//button[text()='Resume']")  # type: ignore[attr-defined]
    shot(driver, "schedules")
