"""Files written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def replaced_whole(path: Path, *, mode: int, binary: bool = False) -> Iterator[IO]:
    """A file written beside ``path`` and renamed over it once complete: a failed or interrupted
    export leaves the last good file, never half of one. ``mode`` is the permission it gets."""
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no directory {path.parent}")
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(
            fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})
        ) as file:
            yield file
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
