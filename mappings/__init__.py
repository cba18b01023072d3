"""The shipped datasets: one package per dataset (``museofile``, ``frequentation_musees``,
``geographie``), each defining ``DATASET`` (a :class:`culturegraph.datasets.DatasetSpec`) in its
``__init__``, beside its mapping, field maps, tables, shapes, vocabulary and page panels.

Modules starting with ``_`` are shared by the museum datasets (``_sites``: who is where; ``_codes``:
the value types of their field maps); the registry skips them. Imported as ``culturegraph.mappings``.
"""
