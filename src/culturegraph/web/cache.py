"""A least-recently-used cache bounded in bytes, shared by the threads of one web worker process.

The SPARQL endpoint keeps finished results in it, keyed by (store version, query, dataset, format): a
build never changes once it is served, so an entry is valid until the ``current`` build changes, and
the version in the key makes older entries unreachable (they age out). Each worker process has its own
cache; nothing is shared between processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ByteLRU:
    """``get``/``put`` with an explicit size per entry; the total never exceeds ``max_bytes``."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> bool:
        """Store ``value``; ``False`` when it is too big to be worth keeping."""
        if size > self.max_entry_bytes or size > self.max_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return True

    def grow(self, key: Hashable, extra: int) -> None:
        """Account for ``extra`` bytes attached to an entry later (e.g. its gzipped variant)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            self._entries[key] = (entry[0], entry[1] + extra)
            self._bytes += extra
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)
