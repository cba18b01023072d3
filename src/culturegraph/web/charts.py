"""Charts for page panels, as data for inline SVG (``templates/_charts.html``): no JavaScript, readable
without styles, each chart with its values also in a table next to it.

A panel gives numbers by series and by category (years, usually) and gets a :class:`Chart` with every
coordinate computed: :func:`line_chart` (one line per series along numeric categories) or
:func:`bar_chart` (one group of bars per category, one bar per series). Datasets know their data, this
module knows axes. Figures are written by ``fmt``: the page's language by default (web/i18n.number);
a panel passes its view's ``number``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from culturegraph.web import i18n

Number = int | float | Decimal

PALETTE = ("#1f4e9c", "#b3391f", "#2d7a3a", "#7a3d8f", "#8a6d00", "#1c6f78", "#5b5b5b", "#c2185b")


def nice_ceiling(value: Number) -> Number:
    """The smallest 1/2/2.5/5 × 10^k at least ``value`` (an axis maximum)."""
    if value <= 0:
        return 1
    number = Decimal(str(value))
    magnitude = Decimal(10) ** number.adjusted()  # 10^k with 10^k <= value < 10^(k+1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if number <= factor * magnitude:
            top = factor * magnitude
            return int(top) if top == top.to_integral_value() else float(top)
    raise AssertionError("unreachable: value < 10 × magnitude")  # pragma: no cover


@dataclass
class Point:
    x: float
    y: float
    category: str  # the category label (a year)
    value: str  # the value, formatted
    width: float = 0.0  # bars only
    height: float = 0.0  # bars only


@dataclass
class Series:
    label: str
    colour: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass
class Chart:
    kind: str  # "line" | "bars"
    title: str
    description: str  # what the chart shows, for screen readers (the values are in the table)
    width: int
    height: int
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[Series]
    unit: str = ""  # after each value in the tooltips: "entrées", "€"


def _frame(series: Mapping[str, Mapping[str, Number]], width: int, height: int,
           fmt: Callable[[Number], str]) -> tuple[tuple[int, int, int, int], Number, list[tuple[float, str]]]:
    left, top, right, bottom = 88, 20, width - 16, height - 40
    highest = max((v for values in series.values() for v in values.values()), default=0)
    top_value = nice_ceiling(highest)

    def y(value: Number) -> float:
        return round(bottom - (bottom - top) * float(Decimal(str(value)) / Decimal(str(top_value))), 1)

    ticks = [(y(Decimal(str(top_value)) * k / 4), fmt(Decimal(str(top_value)) * k / 4)) for k in range(5)]
    return (left, top, right, bottom), top_value, ticks


def line_chart(series: Mapping[str, Mapping[int, Number]], *, title: str, description: str,
               unit: str = "", width: int = 720, height: int = 320,
               fmt: Callable[[Number], str] = i18n.number) -> Chart | None:
    """One line per series (in the given order) over numeric categories (years); ``None`` when empty."""
    if not any(series.values()):
        return None
    keyed = {label: {str(k): v for k, v in points.items()} for label, points in series.items()}
    (left, top, right, bottom), top_value, y_ticks = _frame(keyed, width, height, fmt)
    categories = sorted({k for points in series.values() for k in points})
    low, high = categories[0], categories[-1]

    def x(category: int) -> float:
        return round(left + (right - left) * ((category - low) / (high - low) if high > low else 0.5), 1)

    def y(value: Number) -> float:
        return round(bottom - (bottom - top) * float(Decimal(str(value)) / Decimal(str(top_value))), 1)

    out = []
    for i, (label, points) in enumerate(series.items()):
        if points:
            out.append(Series(label, PALETTE[i % len(PALETTE)],
                              [Point(x(k), y(v), str(k), fmt(v)) for k, v in sorted(points.items())]))
    step = max(1, -(-(high - low) // 10))
    x_ticks = [(x(k), str(k)) for k in range(low, high + 1, step)]
    return Chart("line", title, description, width, height, (left, top, right, bottom), x_ticks, y_ticks, out,
                 unit)


def bar_chart(categories: Sequence[str], series: Mapping[str, Mapping[str, Number]], *, title: str,
              description: str, unit: str = "", width: int = 720, height: int = 320,
              fmt: Callable[[Number], str] = i18n.number) -> Chart | None:
    """For each category (in the given order), one bar per series that has a value there; ``None`` when
    there is no value at all. Bars start at 0: values are non-negative."""
    if not any(series.values()):
        return None
    (left, top, right, bottom), top_value, y_ticks = _frame(series, width, height, fmt)
    slot = (right - left) / max(1, len(categories))
    bar = slot * 0.8 / max(1, len(series))
    out = []
    for i, (label, values) in enumerate(series.items()):
        points = []
        for c, category in enumerate(categories):
            if category not in values:
                continue
            value = values[category]
            h = round((bottom - top) * float(Decimal(str(value)) / Decimal(str(top_value))), 1)
            x = round(left + c * slot + slot * 0.1 + i * bar, 1)
            points.append(Point(x, round(bottom - h, 1), category, fmt(value), round(bar, 1), h))
        out.append(Series(label, PALETTE[i % len(PALETTE)], points))
    x_ticks = [(round(left + (c + 0.5) * slot, 1), category) for c, category in enumerate(categories)]
    return Chart("bars", title, description, width, height, (left, top, right, bottom), x_ticks, y_ticks, out,
                 unit)
