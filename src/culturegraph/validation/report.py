"""Rendering a validation report: text for the terminal, JSON, Turtle, HTML for curators."""

from __future__ import annotations

import json
from dataclasses import asdict

from culturegraph.validation.shacl import ValidationReport

ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def render(report: ValidationReport, fmt: str, min_severity: str = "Info") -> str:
    findings = sorted((f for f in report.findings if ORDER[f.severity] <= ORDER[min_severity]),
                      key=lambda f: (ORDER[f.severity], f.dataset, f.file or "", f.line or 0))
    if fmt == "json":
        return json.dumps({"summary": report.summary(), "findings": [asdict(f) for f in findings]},
                          indent=1, ensure_ascii=False)
    if fmt == "text":
        s = report.summary()
        lines = [f"{s['violations']} violations, {s['warnings']} warnings, {s['infos']} infos"]
        for f in findings:
            lines.append(f"{f.severity}: {f.where}: {f.message_fr} / {f.message_en}")
            lines.append(f"    focus {f.focus}" + (f" path {f.path}" if f.path else "")
                         + (f" value {f.value!r}" if f.value is not None else ""))
        return "\n".join(lines)
    raise ValueError(f"format {fmt} not implemented yet")
