"""Swap a checked download in for the shipped file and rewrite the manifest, as one step.

The old file gets a second name (a hard link) first, so the target never goes missing; if the manifest
cannot be written, the old file is put back and the entry restored: a failed fetch leaves the previous
file and manifest exactly as they were.
"""

from __future__ import annotations

import copy
import os
import shutil
from dataclasses import fields
from pathlib import Path

from culturegraph.sources.manifest import Manifest, SourceFile


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _restore(file: SourceFile, before: SourceFile) -> None:
    for f in fields(SourceFile):
        setattr(file, f.name, getattr(before, f.name))


def save_entry(manifest: Manifest, file: SourceFile, record: dict[str, object]) -> None:
    """Set ``record``'s keys on the entry (a None value removes the key) and save the manifest."""
    before = copy.deepcopy(file)
    try:
        _apply(file, record)
        manifest.save()
    except BaseException:
        _restore(file, before)
        raise


def _apply(file: SourceFile, record: dict[str, object]) -> None:
    known = {f.name for f in fields(SourceFile)} - {"extra"}
    for key, value in record.items():
        if key in known:
            setattr(file, key, value)
        elif value is None:
            file.extra.pop(key, None)
        else:
            file.extra[key] = value


def install(manifest: Manifest, file: SourceFile, download: Path, record: dict[str, object]) -> None:
    """Move ``download`` onto the entry's file, then save the manifest with ``record``; all or nothing."""
    target = manifest.path(file)
    backup = target.with_name(f".{target.name}.previous")
    had_file = target.exists()
    if had_file:
        backup.unlink(missing_ok=True)
        try:
            os.link(target, backup)  # a second name, not a copy: cheap, and target never goes missing
        except OSError:
            shutil.copy2(target, backup)
    before = copy.deepcopy(file)
    try:
        os.replace(download, target)
        _fsync_dir(target.parent)
        _apply(file, record)
        manifest.save()
    except BaseException:
        _restore(file, before)
        if had_file:
            os.replace(backup, target)
        else:
            target.unlink(missing_ok=True)
        raise
    finally:
        backup.unlink(missing_ok=True)
