"""The pages in a real browser: Debian's headless Chromium driven by Selenium against a live server.

Home page, a museum page (the Leaflet map and the SVG chart render, with no network), the YASGUI query
UI (an example query is run with YASGUI's own button and its results table fills). Screenshots go to
tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} missing: run `bash .ci/browsers.sh` (Debian packages "
                "chromium, chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT_S = 120  # generous: CI machines are shared, the first query warms the store up


@pytest.fixture(scope="module")
def base_url(settings, built, live_server) -> str:
    """The production server (tests/web/conftest.py) on the session's build."""
    return live_server(settings.store_home, query_store="disk").url + "/"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1600", "--lang=fr-FR"):
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    # Headless Chromium sends "en-US" whatever --lang says, and the pages follow Accept-Language (issue 13):
    # French, set over CDP.
    agent = driver.execute_script("return navigator.userAgent")
    driver.execute_cdp_cmd("Emulation.setUserAgentOverride",
                           {"userAgent": agent, "acceptLanguage": "fr-FR,fr"})
    # Every Content-Security-Policy violation of every page, reported or not in the console (issue 9).
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    yield driver
    driver.quit()


CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
                              e.sourceFile + ":" + e.lineNumber);
});"""


def csp_violations(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script("return window.__cspViolations || ['the listener did not run']")


def severe_errors(driver: webdriver.Chrome) -> list[str]:
    """Console errors, except a missing favicon."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]


def full_page_screenshot(driver: webdriver.Chrome, path: Path) -> None:
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    driver.set_window_size(1280, max(900, int(height)))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1600)


def test_home_page(browser, base_url, artifacts):
    browser.get(base_url)
    assert "culturegraph" in browser.title
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Le graphe")
    figures = browser.find_element(By.CSS_SELECTOR, "ul.figures").text
    assert "musées" in figures and "observations" in figures
    full_page_screenshot(browser, artifacts / "browser-home.png")
    assert severe_errors(browser) == []
    assert csp_violations(browser) == []


def test_museum_page_map_and_chart(browser, base_url, artifacts):
    browser.get(base_url + "id/musee/M0963")  # the 303 is followed by the browser
    assert browser.current_url == base_url + "doc/musee/M0963"
    assert browser.find_element(By.TAG_NAME, "h1").text == "musée de Brou"
    wait = WebDriverWait(browser, WAIT_S)
    # Leaflet initialised the map (no tiles: the marker on a plain background)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#carte.map-ready .leaflet-marker-icon")))
    marker = browser.find_element(By.CSS_SELECTOR, "#carte .leaflet-marker-icon")
    assert marker.is_displayed() and marker.get_attribute("alt") == "musée de Brou"
    assert browser.find_elements(By.CSS_SELECTOR, "#carte .leaflet-tile") == []
    assert "46.196549" in browser.find_element(By.CSS_SELECTOR, "p.coordinates").text
    # the SVG chart is drawn, one point per year
    points = browser.find_elements(By.CSS_SELECTOR, "svg.attendance-chart circle.point")
    assert len(points) >= 20
    assert browser.find_element(By.CSS_SELECTOR, "svg.attendance-chart").size["width"] > 300
    browser.execute_script("document.getElementById('carte').scrollIntoView()")
    full_page_screenshot(browser, artifacts / "browser-museum.png")
    assert severe_errors(browser) == []
    assert csp_violations(browser) == []


def test_keyboard_skip_link(browser, base_url):
    browser.get(base_url + "doc/musee/M0963")
    body = browser.find_element(By.TAG_NAME, "body")
    from selenium.webdriver.common.keys import Keys

    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link" and focused.is_displayed()


def test_query_ui_runs_an_example(browser, base_url, artifacts):
    browser.get(base_url + "sparql")
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    examples = browser.find_elements(By.CSS_SELECTOR, "button.example")
    # the query buttons replace the no-JS links once YASGUI is up
    if examples:
        assert examples[0].is_displayed()
        title = examples[0].text
        examples[0].click()
        query = browser.execute_script("return window.culturegraphYasgui.getTab().getQuery()")
        assert "SELECT" in query.upper()
        assert title
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    try:
        rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr .dataTable tbody tr") or None)
    except Exception:
        full_page_screenshot(browser, artifacts / "browser-query-failed.png")
        raise
    assert rows
    assert "No data" not in rows[0].text  # a real result row, not DataTables' empty-table message
    full_page_screenshot(browser, artifacts / "browser-query.png")
    assert severe_errors(browser) == []
    assert csp_violations(browser) == []


def test_a_chart_with_several_sites_draws_its_legend_under_the_csp(browser, base_url):
    """The legend's colour swatches are SVG (no style attribute, which the CSP would block)."""
    browser.get(base_url + "doc/musee/M5026")
    swatches = browser.find_elements(By.CSS_SELECTOR, "ul.legend svg.swatch rect")
    assert len(swatches) >= 2
    assert swatches[0].size["width"] > 0
    assert severe_errors(browser) == []
    assert csp_violations(browser) == []
