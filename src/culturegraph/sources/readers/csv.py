"""The CSV reader (``format = "csv"``): every tabular export, driven by the source's alias table."""

from __future__ import annotations

from culturegraph.sources.model import Reader
from culturegraph.sources.read import read_table

READER = Reader("csv", read_table, "CSV with a header line; vintages recognised by column headers")
