"""Hostile finding F5 (web/describe.py ``inverse_page``): a page past the last one answers from the
memoised count, without walking the index (``?page=9999999`` of a hub cost 1.2-1.5 s of GIL-bound
Python each). Over a real server: test_hardening_http.py ``test_a_page_past_the_last_is_404_at_once``."""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import NamedNode, Quad, Store

from culturegraph.store.oxigraph.reader import OxigraphReader
from culturegraph.web.describe import PAGE_SIZE, Describer

EX = "http://example.org/hostile/"


class CountingReader(OxigraphReader):
    """Counts the quads its pattern look-ups hand out."""

    walked = 0

    def quads(self, *args: object, **kwargs: object) -> Iterator[Quad]:  # type: ignore[override]
        for quad in super().quads(*args, **kwargs):  # type: ignore[arg-type]
            CountingReader.walked += 1
            yield quad


def test_a_page_past_the_last_walks_no_index():
    store = Store()
    target = NamedNode(EX + "id/hub")
    n = 20 * PAGE_SIZE + 3
    store.extend(Quad(NamedNode(f"{EX}id/s{i}"), NamedNode(EX + "def/p"), target, NamedNode(EX + "graph/g"))
                 for i in range(n))
    describer = Describer(CountingReader(store, "20990101T000000Z-hostile"), EX)
    quads, total = describer.inverse_page(target, 21)  # the last page: walked to, as before
    assert total == n and len(quads) == 3
    CountingReader.walked = 0
    for page in (22, 9_999_999, 100):
        quads, total = describer.inverse_page(target, page)
        assert quads == [] and total == n
    assert CountingReader.walked == 0  # was 1,003 quads per page past the end
