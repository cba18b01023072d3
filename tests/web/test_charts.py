"""The generic chart pieces of page panels (web/charts.py): axes, bars, lines, numbers."""

from __future__ import annotations

import pytest

from culturegraph.web.charts import bar_chart, line_chart, nice_ceiling


@pytest.mark.parametrize(("value", "top"), [
    (0, 1), (7, 10), (18_685_441, 20_000_000), (1_100, 2_000), (2_400, 2_500), (0.34, 0.5), (0.05, 0.05),
])
def test_nice_ceiling(value: float, top: float) -> None:
    assert nice_ceiling(value) == top


def test_bar_chart_places_one_bar_per_series_and_category() -> None:
    chart = bar_chart(["2012", "2013"], {"Total": {"2012": 100, "2013": 50}, "Postale": {"2012": 40}},
                      title="t", description="d", unit="€")
    assert chart is not None and chart.kind == "bars"
    left, top, right, bottom = chart.plot
    total, postal = chart.series
    assert [p.category for p in total.points] == ["2012", "2013"]
    assert [p.category for p in postal.points] == ["2012"]
    tallest = total.points[0]
    assert tallest.y + tallest.height == bottom and tallest.height == bottom - top  # 100 is the axis top
    assert total.points[1].height == pytest.approx(tallest.height / 2, abs=0.1)
    assert postal.points[0].x > tallest.x
    assert left <= tallest.x < postal.points[0].x + postal.points[0].width <= right
    assert [label for _, label in chart.x_ticks] == ["2012", "2013"]
    assert chart.y_ticks[-1][1] == "100" and total.colour != postal.colour


def test_line_chart_over_years() -> None:
    chart = line_chart({"A": {2001: 10, 2011: 20}, "B": {2006: 5}}, title="t", description="d")
    assert chart is not None and chart.kind == "line"
    a, b = chart.series
    left, _, right, _ = chart.plot
    assert (a.points[0].x, a.points[-1].x) == (left, right)
    assert b.points[0].x == pytest.approx((left + right) / 2)
    assert a.path.count(",") == 2


def test_no_values_no_chart() -> None:
    assert bar_chart(["2012"], {"A": {}}, title="t", description="d") is None
    assert line_chart({}, title="t", description="d") is None
