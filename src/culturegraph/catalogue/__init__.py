"""The graph describes itself: dumps, VoID statistics, the DCAT-AP catalogue and the change report.

- ``dumps.py``   — every named graph and the whole graph as files (N-Quads, Turtle, TriG; gzip), written
  by the build next to the store, with their size and SHA-256 (``dumps.json``);
- ``void.py``    — VoID statistics of each named graph and the linksets to external datasets;
- ``dcat.py``    — the DCAT-AP 3.0.1 catalogue (``/graph/catalogue``), generated from the registry;
- ``changes.py`` — what changed between two builds, kept for the last builds (a page and an Atom feed).
"""
