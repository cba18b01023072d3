"""The whole loop on real builds of the toy dataset (tests/fixtures/toy_dataset), through the web app
following the store home as in production: a visitor reports a wrong value with a proposed one, a
curator accepts it, the next build applies the correction (with its provenance in /graph/corrections),
the resource's page shows it, the remark turns "fixed" and its author's e-mail is erased; a build that
fails on a bad corrections table leaves the graph served and every remark as they were."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from culturegraph.config import PROJECT_ROOT, load_settings
from culturegraph.datasets import load_registry
from culturegraph.pipeline.build import build
from culturegraph.pipeline.load import BuildError
from culturegraph.rdf.terms import SCHEMA
from culturegraph.remarks.store import RemarkStore
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web.app import create_app

TOY = PROJECT_ROOT / "tests" / "fixtures" / "toy_dataset"
PASSWORD = "un mot de passe assez long"
PROV = "http://www.w3.org/ns/prov#"


def csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found[1]


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "toy"
    shutil.copytree(TOY / "data" / "toy", data)
    settings = load_settings(store_home=tmp_path / "store").with_(datasets=(str(TOY),))
    full = load_registry(settings.datasets)
    toy = dataclasses.replace(full.get("toy"), source_folders={"toy": data},
                              corrections=tmp_path / "corrections.csv")
    registry = dataclasses.replace(full.only(["toy"]), datasets=(toy,),
                                   everything=tuple(toy if s.name == "toy" else s for s in full))
    assert build(settings, progress=False, registry=registry).switched
    RemarkStore(settings.remarks_dir).add_curator("marie", PASSWORD)
    return settings, registry, toy


def wait_for_build(client, version: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while version not in client.get("/curation/rapport").text:  # the app follows `current` (≤ 1 s)
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_report_accept_rebuild_fixed(project) -> None:  # type: ignore[no-untyped-def]
    settings, registry, toy = project
    app = create_app(settings, registry=registry)
    visitor, curator = app.test_client(), app.test_client()
    t1 = settings.base_iri + "id/jouet/T1"

    form = visitor.get(f"/remarques/signaler?cible={t1}").text
    value = next(html.unescape(v) for v in re.findall(r'name="valeur" id="v\d+" value="([^"]+)"', form)
                 if html.unescape(v).startswith(f"{SCHEMA.name.value} "))
    sent = visitor.post("/remarques/signaler", data={
        "csrf": csrf(visitor, f"/remarques/signaler?cible={t1}"), "cible": t1, "valeur": value,
        "type": "error", "texte": "Le titre est incomplet.", "proposition": "Le tout premier jouet",
        "courriel": "anne@example.org"})
    assert sent.status_code == 303
    permalink = sent.headers["Location"]
    remark_id = permalink.rsplit("/", 1)[1].split("?")[0]

    login = curator.post("/curation/connexion", data={"csrf": csrf(curator, "/curation/connexion"),
                                                      "nom": "marie", "mot_de_passe": PASSWORD})
    assert login.status_code == 303
    path = f"/curation/remarques/{remark_id}"
    decision = {"csrf": csrf(curator, path), "action": "accept", "texte": "vérifié"}
    accepted = curator.post(path, data=decision)
    assert accepted.status_code == 303
    assert (toy.path(toy.corrections)).is_file()

    # a rebuild leaves every remark in place, applies the correction, and the remark turns fixed
    before = RemarkStore(settings.remarks_dir).count()
    second = build(settings, progress=False, registry=registry)
    assert second.switched and RemarkStore(settings.remarks_dir).count() == before
    wait_for_build(curator, second.build_id)

    store = StoreHome(settings.store_home).open_current()
    name = SCHEMA.name
    names = {q.object.value for q in store.quads_for_pattern(NamedNode(t1), name, None)}
    assert names == {"Le tout premier jouet"}
    correction = NamedNode(f"{settings.base_iri}id/correction/{remark_id}")
    derived = [q.object.value
               for q in store.quads_for_pattern(correction, NamedNode(PROV + "wasDerivedFrom"), None)]
    assert derived == [f"{settings.base_iri}annotations/{remark_id}"]
    assert list(store.quads_for_pattern(correction, NamedNode(PROV + "wasRevisionOf"), None))

    # the published remark, without personal data, in SPARQL's /graph/remarques
    remarks_graph = NamedNode(f"{settings.base_iri}graph/remarques")
    annotation = NamedNode(f"{settings.base_iri}annotations/{remark_id}")
    described = list(store.quads_for_pattern(None, None, None, remarks_graph))
    assert any(q.subject == annotation for q in described)
    assert not any("anne@example.org" in str(q.object) for q in described)
    assert any(q.object.value == "Le tout premier jouet" for q in described)  # the proposed value

    page = visitor.get("/doc/jouet/T1").text
    assert "Le tout premier jouet" in page and f"remarque {remark_id}" in page
    assert "Le premier jouet</del>" in page  # the value it replaced, shown as such
    status = visitor.get(permalink).text
    assert "Corrigée" in status and second.build_id in status
    fixed = RemarkStore(settings.remarks_dir).get(remark_id)
    assert fixed is not None and fixed.status == "fixed" and fixed.email is None  # erased once closed


def test_a_failed_build_damages_nothing(project) -> None:  # type: ignore[no-untyped-def]
    settings, registry, toy = project
    home = StoreHome(settings.store_home)
    served = home.version()
    remarks = RemarkStore(settings.remarks_dir)
    before = [r.id for r in remarks.query()]
    Path(toy.path(toy.corrections)).write_text(
        "annotation,subject,predicate,value,corrected,accepted,curator,reason\n"
        'x,not an IRI,https://schema.org/name,"a","b",,,\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"corrections.csv: line 2"):
        build(settings, progress=False, registry=registry)
    assert home.version() == served
    assert [r.id for r in RemarkStore(settings.remarks_dir).query()] == before
    assert not list(home.builds.glob("*.partial"))
