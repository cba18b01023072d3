"""A site's attendance table says why a figure is 0 or missing (mappings/frequentation_musees/pages.py and
templates/attendance.html), on the shipped build."""

from __future__ import annotations

import re

import pytest

HOST = "https://culturegraph.example"


@pytest.fixture(scope="module")
def client(settings, graph):
    from culturegraph.web.app import create_app

    return create_app(settings, store=graph).test_client()


def table_rows(client, path: str) -> dict[int, str]:
    response = client.get(path, headers={"Accept": "text/html"}, base_url=HOST)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    table = html[html.index('<table class="observations">'):]
    table = table[:table.index("</table>")]
    return {int(year): row for year, row in re.findall(r'<th scope="row">(\d{4})</th>(.*?)</tr>', table)}


@pytest.mark.slow
def test_a_cumulated_zero_links_to_the_site_that_counts_it(client):
    """1038701 had only zeros in 2014, counted in 1038704 (lien_avec): the cell says so and links there."""
    rows = table_rows(client, "/doc/site/1038701")
    assert "(Compté avec un autre site : " in rows[2014]
    assert f'href="{HOST}/doc/site/1038704"' in rows[2014] or 'href="/doc/site/1038704"' in rows[2014]
    assert 'title="Ligne sans chiffre, liée à un autre site"' in rows[2014]


@pytest.mark.slow
def test_a_closed_site_says_closed_for_its_zeros_and_its_missing_years(client):
    """0257401 (closed since 2007) has rows of zeros for 2014-2016, 2020, 2023 and no row for the other
    years: every year of its table says Fermé, with where it comes from."""
    rows = table_rows(client, "/doc/site/0257401")
    for year in range(2014, 2024):
        assert "(Fermé)" in rows[year], year
    closed = "après l&#39;année de fermeture"
    assert rows[2014].startswith(f'<td class="status" title="Ligne sans chiffre, {closed}">0 ')
    assert f'title="Pas de ligne, {closed}"' in rows[2021]
