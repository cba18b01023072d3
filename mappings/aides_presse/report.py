"""What the build says about press aid (``report.json`` under ``aides-presse`` and the build summary): per
year, the rows read, how their titles were resolved, and the euros of the total column."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .mapping import NAME, record_year
from .tables import Family
from .titles import TitleTable


def compute(inputs: Any) -> dict[str, Any]:
    titles: TitleTable = inputs.table("titres-presse")
    families: dict[str, Family] = inputs.table("familles-presse")
    years: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"rows": 0, "titles": Counter(), "total_eur": Decimal(0)})
    minted: list[dict[str, Any]] = []
    for r in inputs.records(NAME):
        year = record_year(r)
        if year is None:
            continue
        entry = years[year]
        entry["rows"] += 1
        resolution = titles.resolve(r["titre"], families)
        entry["titles"][resolution.how] += 1
        if resolution.title.truncated:
            entry["titles"]["truncated"] += 1
        if resolution.glued_family:
            entry["titles"]["family in the title"] += 1
        if resolution.how != "table":
            minted.append({"file": r.file, "line": r.line, "title": r["titre"], "slug": resolution.title.slug,
                           "how": resolution.how})
        total = r.get("total")
        if isinstance(total, Decimal):
            entry["total_eur"] += total
    return {
        "years": {str(y): {"rows": e["rows"], "titles": dict(e["titles"]), "total_eur": str(e["total_eur"])}
                  for y, e in sorted(years.items())},
        "titles_not_in_table": minted,
    }


def summary(report: Mapping[str, Any]) -> list[str]:
    lines = []
    for year, entry in report.get("years", {}).items():
        titles = ", ".join(f"{n} {how}" for how, n in sorted(entry["titles"].items()))
        lines.append(f"press aid {year}: {entry['rows']} rows, {entry['total_eur']} € in total ({titles})")
    missing = report.get("titles_not_in_table", [])
    if missing:
        lines.append(f"press aid: {len(missing)} titles not in tables/titres.csv (see report.json)")
    return lines
