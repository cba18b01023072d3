"""rdf/terms: the literal readers the page panels share (a term back to a Python value)."""

from __future__ import annotations

from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from culturegraph.rdf.terms import XSD, decimal_of, gyear, int_of, integer, year_iri, year_of


def test_values_read_back_from_terms():
    assert int_of(integer(6382)) == 6382
    assert int_of(Literal("6.5", datatype=XSD.decimal)) is None
    assert int_of(NamedNode("http://example.org/6382")) is None
    assert decimal_of(Literal("549268.50", datatype=XSD.decimal)) == Decimal("549268.50")
    assert decimal_of(Literal("n/a")) is None
    assert year_of(year_iri(2012)) == 2012
    assert year_of(gyear(1917)) == 1917
    assert year_of(Literal("2016-01-01", datatype=XSD.date)) == 2016
    assert year_of(NamedNode("http://example.org/year/2012")) is None
    assert year_of(Literal("vers 1917")) is None
    assert year_of(None) is None
