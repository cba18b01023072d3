"""A remote SPARQL store behind the store seam: the graph lives in another server that speaks the SPARQL 1.1
Protocol (``<url>/query``) and the Graph Store Protocol (``<url>/store``) — ``oxigraph serve`` is the one
tested. Builds are still made, validated and kept on disk in the store home; switching a build also
replaces the remote dataset with it (``publish.py``); pages and ``/sparql`` read the remote store
(``reader.py``, ``evaluator.py``) over one HTTP client (``client.py``)."""
