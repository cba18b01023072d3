"""Readers, one module per source format; each defines ``READER`` (a :class:`culturegraph.datasets.Reader`).

The registry finds every module here (no list to edit): ``csv`` (tabular exports, alias tables by column
header) and ``json`` (JSON documents, records located by JSON pointer). A dataset with another format
adds a module here or brings its reader in ``DatasetSpec.readers``.
"""
