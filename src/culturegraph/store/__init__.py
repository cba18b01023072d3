"""The store room: the Protocols the rest of the code uses (``base``) and their Oxigraph implementation
(``oxigraph/``: store home, ``current`` link, in-memory replicas, the killable executor pool)."""
