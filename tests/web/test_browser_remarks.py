"""Issue 15, end to end in a real browser (headless Chromium, Selenium) on a real server: a visitor
reports an error on a museum's name with a proposed value; a curator logs in and accepts it; a rebuild
applies it; the museum's page shows the corrected value with its provenance, and the remark "fixed".

The graph is a build of the Muséofile dataset alone, in a store home of the test's own, with the
remarks' store and the corrections tables outside the checkout (``CULTUREGRAPH_REMARKS``,
``CULTUREGRAPH_CORRECTIONS``); the server (``culturegraph serve --production``) follows the store
home's ``current`` build as in production."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from culturegraph.config import load_settings
from culturegraph.datasets import load_registry
from culturegraph.pipeline.build import build
from culturegraph.remarks.store import RemarkStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from test_browser import browser  # noqa: E402,F401  (the house's Chromium fixture; skips without it)

MUSEUM = "M0963"
PASSWORD = "un mot de passe assez long"
PROPOSED = "Musée corrigé par un visiteur"
WAIT_S = 120


def test_report_accept_rebuild_fixed(browser: Any, tmp_path_factory: pytest.TempPathFactory,  # noqa: F811
                                     live_server: Callable[..., Any]) -> None:
    root = tmp_path_factory.mktemp("browser-remarks")
    settings = load_settings(store_home=root / "store", remarks_home=root / "remarks",
                             corrections_home=root / "corrections")
    registry = load_registry(settings.datasets).only(["museofile"])
    # Validation is another test's business (the dataset alone misses the geography it links to).
    assert build(settings, progress=False, registry=registry, validate=False).switched
    RemarkStore(settings.remarks_dir).add_curator("marie", PASSWORD)
    server = live_server(settings.store_home, query_store="disk", workers=1, extra_env={
        "CULTUREGRAPH_REMARKS": str(settings.remarks_dir),
        "CULTUREGRAPH_CORRECTIONS": str(settings.corrections_home)})
    base = server.url + "/"
    wait = WebDriverWait(browser, WAIT_S)

    # a visitor, on the museum's page
    browser.get(f"{base}doc/musee/{MUSEUM}")
    old_name = browser.find_element(By.CSS_SELECTOR, "h1").text
    browser.find_element(By.ID, "signaler").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.remark-form")))
    radio = browser.find_element(By.CSS_SELECTOR, 'input[name="valeur"][value^="http://schema.org/name "]')
    radio.click()
    browser.find_element(By.ID, "texte").send_keys("Le nom du musée est faux.")
    browser.find_element(By.ID, "proposition").send_keys(PROPOSED)
    browser.find_element(By.ID, "envoyer").click()
    wait.until(ec.presence_of_element_located((By.ID, "statut")))
    permalink = browser.current_url
    assert "/remarques/" in permalink and "cle=" in permalink
    assert browser.find_element(By.ID, "statut").text == "Nouvelle"
    remark_id = permalink.split("/remarques/")[1].split("?")[0]

    # a curator logs in and accepts the proposed value
    browser.get(f"{base}curation/connexion")
    browser.find_element(By.ID, "nom").send_keys("marie")
    browser.find_element(By.ID, "mot_de_passe").send_keys(PASSWORD)
    browser.find_element(By.ID, "connexion").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.queue")))
    assert remark_id in browser.page_source
    browser.get(f"{base}curation/remarques/{remark_id}")
    browser.find_element(By.ID, "texte").send_keys("Vérifié auprès du musée.")
    browser.find_element(By.ID, "accepter").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "statut"), "Acceptée"))
    assert (settings.corrections_home / "museofile.csv").is_file()

    # the next build applies it; the server follows `current`
    second = build(settings, progress=False, registry=registry, validate=False)
    assert second.switched
    # Resource pages are cacheable (Cache-Control: public, max-age): this visitor comes back fresh.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    deadline = time.monotonic() + WAIT_S
    while True:
        browser.get(f"{base}doc/musee/{MUSEUM}")
        corrected = browser.find_elements(By.CSS_SELECTOR, "li.correction strong.corrected")
        if corrected:
            break
        assert time.monotonic() < deadline, "the rebuilt graph was not served"
        time.sleep(1)
    assert corrected[0].text == PROPOSED
    values = browser.page_source.split('class="remarks-panel"')[0]  # the page's own property table
    assert PROPOSED in values
    correction = browser.find_element(By.CSS_SELECTOR, "li.correction")
    assert old_name in correction.find_element(By.CSS_SELECTOR, "del").text
    links = {a.text: a.get_attribute("href") for a in correction.find_elements(By.CSS_SELECTOR, "a")}
    assert links["provenance"].endswith(f"/doc/correction/{remark_id}")
    assert links[f"remarque {remark_id}"].endswith(f"/remarques/{remark_id}")

    # the remark shows "fixed" to its author
    browser.get(permalink)
    assert browser.find_element(By.ID, "statut").text == "Corrigée"
    assert second.build_id in browser.page_source

    # with JavaScript, a value's ⚑ link opens its form in a dialog on the page and posts it from there
    browser.get(f"{base}doc/musee/{MUSEUM}")
    page_url = browser.current_url
    flag = browser.find_elements(By.CSS_SELECTOR, "dl.properties a.signal")[0]
    key = parse_qs(urlsplit(flag.get_attribute("href")).query)["valeur"][0]
    flag.click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "dialog.remark-dialog form.remark-form")))
    checked = browser.find_element(By.CSS_SELECTOR, 'dialog input[name="valeur"]:checked')
    assert checked.get_attribute("value") == key
    browser.find_element(By.CSS_SELECTOR, "dialog #texte").send_keys("Cette valeur est à vérifier.")
    browser.find_element(By.CSS_SELECTOR, "dialog #envoyer").click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "dialog #statut")))
    assert browser.find_element(By.CSS_SELECTOR, "dialog #statut").text == "Nouvelle"
    assert browser.current_url == page_url  # the visitor never left the page
    made = [r for r in RemarkStore(settings.remarks_dir).query() if r.text == "Cette valeur est à vérifier."]
    assert len(made) == 1 and f"{made[0].predicate} " == key[:len(made[0].predicate) + 1]
