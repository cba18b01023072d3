"""The pages' language on the production server (Granian on 127.0.0.1, the session's build): a real
headless Chromium clicks the language switch, and plain HTTP checks that the headers that keep the two
languages apart in caches (Vary, Content-Language, ETag) survive the real server."""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 60


@pytest.fixture(scope="module")
def base_url(settings, built, live_server) -> str:
    return live_server(settings.store_home, query_store="disk").url + "/"


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Accept": "text/html", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, _lower(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, _lower(err.headers), err.read().decode("utf-8", "replace")


def _lower(headers: object) -> dict[str, str]:
    """Header names in lower case (Granian sends them so); repeated headers joined."""
    out: dict[str, str] = {}
    for name, value in headers.items():  # type: ignore[attr-defined]
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def test_real_server_headers(base_url) -> None:
    for path in ("", "doc/musee/M0963", "liens"):
        status, headers, body = fetch(base_url + path, **{"Accept-Language": "en-GB,en;q=0.9"})
        assert status == 200, path
        vary = {v.strip().lower() for v in headers["vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary, (path, headers["vary"])
        assert headers["content-language"] == "en" and '<html lang="en">' in body
    _, french, body = fetch(base_url + "doc/musee/M0963", **{"Accept-Language": "fr"})
    assert french["content-language"] == "fr" and '<html lang="fr">' in body
    # the French page's ETag does not make an English request a 304
    status, _, body = fetch(base_url + "doc/musee/M0963",
                            **{"Accept-Language": "en", "If-None-Match": french["etag"]})
    assert status == 200 and '<html lang="en">' in body
    status, _, _ = fetch(base_url + "doc/musee/M0963",
                         **{"Accept-Language": "fr", "If-None-Match": french["etag"]})
    assert status == 304


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} missing: run `bash .ci/browsers.sh`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1200", "--lang=fr-FR"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-profile-')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    # Headless Chromium sends "en-US" whatever --lang says: the language is set over CDP.
    agent = driver.execute_script("return navigator.userAgent")
    driver.execute_cdp_cmd("Emulation.setUserAgentOverride",
                           {"userAgent": agent, "acceptLanguage": "fr-FR,fr"})
    yield driver
    driver.quit()


def test_the_switch_in_a_browser(browser, base_url, artifacts) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_S)
    driver.get(base_url)
    html = driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == "fr"  # the browser asks for French
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Le graphe")
    driver.find_element(By.ID, "lang-en").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "The knowledge graph"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.get_cookie("lang")["value"] == "en"
    # the next page, reached by a plain link, is in English too (the cookie), with English labels
    driver.get(base_url + "doc/musee/M0963")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_element(By.CSS_SELECTOR, "p.iri").text.startswith("IRI:")
    assert driver.find_element(By.CSS_SELECTOR, "p.kinds").text.startswith("museum")  # schema:Museum@en
    driver.find_element(By.LINK_TEXT, "Links between datasets").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Link report"))
    driver.save_screenshot(str(artifacts / "browser-links-en.png"))
    # and back to French
    driver.find_element(By.ID, "lang-fr").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Rapport des liens"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert driver.get_cookie("lang")["value"] == "fr"
