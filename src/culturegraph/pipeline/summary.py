"""The text summary ``culturegraph build`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from culturegraph.datasets import Registry
from culturegraph.pipeline import links


def render_summary(report: dict[str, Any], directory: Path, wall_seconds: float,
                   registry: Registry | None = None) -> str:
    """The summary; the datasets' lines come from their ``Report.summary`` hooks."""
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
    for file, source in report.get("not_fetched", {}).items():
        lines.append(f"  {file}")
        lines.append(f"      not shipped, not read: `culturegraph fetch {source}` downloads it")
    q = report.get("quarantine", {})
    lines.append(f"quarantine: {report['quarantined_rows']:,} rows quarantined, "
                 f"{q.get('value dropped', 0):,} values dropped, {q.get('value normalised', 0):,} values "
                 f"normalised (see {directory / 'quarantine.csv'})")
    for name, data in report.get("datasets", {}).items():
        spec = next((d for d in registry or () if d.name == name), None)
        if spec is not None and spec.report is not None and spec.report.summary is not None:
            lines += spec.report.summary(data or {})
    if isinstance(report.get("datasets", {}).get(links.GRAPH), dict):
        lines += links.summary_lines(report["datasets"][links.GRAPH])
    v = report.get("validation")
    if v:
        lines.append(f"SHACL: {v['violations']} violations, {v['warnings']} warnings, {v['infos']} infos "
                     f"(validation.json; `culturegraph validate --format html` for curators)")
    else:
        lines.append("SHACL: not run")
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in report.get("phases", {}).items())
    lines.append(f"time: {report['seconds']:.1f} s ({phases})")
    return "\n".join(lines)
