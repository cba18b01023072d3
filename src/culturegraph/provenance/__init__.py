"""Provenance: PROV-O of a build (``prov``) and the index of where each value was read (``index``)."""
