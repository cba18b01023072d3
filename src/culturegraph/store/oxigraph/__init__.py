"""The Oxigraph implementation of the store Protocols: ``home`` (one directory per build, the atomic
``current`` link, :class:`~culturegraph.store.oxigraph.publish.OxigraphPublisher`), ``reader`` (the
GraphReader over a pyoxigraph Store), ``replica`` (in-memory copies of the current build) and
``executor`` (the killable process pool that evaluates SPARQL with a time limit)."""
