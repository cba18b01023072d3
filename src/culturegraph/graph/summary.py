"""The text summary ``culturegraph build`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render_summary(report: dict[str, Any], directory: Path, wall_seconds: float) -> str:
    lines = [f"build {report['build']} in {wall_seconds:.1f} s  ({directory})", ""]
    lines.append("triples per graph:")
    for graph, n in sorted(report["triples_per_graph"].items()):
        lines.append(f"  /graph/{graph:<26} {n:>10,}")
    lines.append(f"  {'total':<33} {report['triples']:>10,}")
    lines.append("")
    lines.append("source files:")
    for file, info in report["files"].items():
        lines.append(f"  {file}")
        lines.append(f"      vintage {info['vintage']}: {info['rows']:,} rows, {info['records']:,} read, "
                     f"{info['quarantined_rows']:,} quarantined")
        # The reader's warnings about the file as a whole (e.g. columns no alias maps), under its name.
        for warning in info.get("warnings", []):
            lines.append(f"      warning: {warning.removeprefix(f'{file}:1: ')}")
    q = report.get("quarantine", {})
    lines.append(f"quarantine: {report['quarantined_rows']:,} rows quarantined, "
                 f"{q.get('value dropped', 0):,} values dropped, {q.get('value normalised', 0):,} values "
                 f"normalised (see {directory / 'quarantine.csv'})")
    for name, data in report.get("datasets", {}).items():
        overlap = (data or {}).get("vintage_overlap")
        for c in (overlap or {}).get("compared_with", []):
            years = c["overlap_years"]
            span = f"{years[0]}-{years[-1]}" if years else "none"
            lines.append(f"{name}: overlap {span} of {c['file'].split('/')[-1]}: {c['rows_compared']:,} "
                         f"site-years compared, {c['rows_equal']:,} equal, {c['rows_different']:,} differ "
                         f"({name}-overlap.csv)")
    v = report.get("validation")
    if v:
        lines.append(f"SHACL: {v['violations']} violations, {v['warnings']} warnings, {v['infos']} infos "
                     f"(validation.json; `culturegraph validate --format html` for curators)")
    else:
        lines.append("SHACL: not run")
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in report.get("phases", {}).items())
    lines.append(f"time: {report['seconds']:.1f} s ({phases})")
    return "\n".join(lines)
