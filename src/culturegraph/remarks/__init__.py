"""Issue 15: remarks from users — the first write path, in its own room and its own store.

``model.py`` (a remark, its kinds, statuses and motivations), ``annotation.py`` (a remark as a W3C Web
Annotation: JSON-LD for the protocol, RDF for the named graph ``/graph/remarques``), ``store.py`` (the
embedded SQLite store in WAL mode, outside ``builds/``: remarks, curators, rate-limit hits, history),
``abuse.py`` (salted address hashes, the spam and language hold), ``fixes.py`` (an accepted correction
written to its dataset's corrections table; remarks turned "fixed" when the build containing the fix
is served). The web views are ``web/annotations.py``, ``web/remarks.py`` and ``web/curation.py``.
"""
