"""SHA-256 fingerprints of files, folders and values, each file read once per build.

What the build cache (:mod:`vawg.running.buildcache`) keys its results on and what an edition's record
(:mod:`vawg.publishing.editions`) fingerprints its inputs with.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path


def file_digest(path: Path) -> str:
    memo = _memo
    if memo is not None:
        return memo.digest(Path(path))
    return _read_digest(path)


def _read_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class DigestMemo:
    """The SHA-256 of files already read, kept by what ``stat`` says of them, as git's index does.

    A file whose device, inode, size, modification and change times are as when it was read is not read
    again. The change time (ctime) is set by the system at every write and cannot be set back (unlike the
    modification time, which copying preserves), so a copied or rewritten file is always read. A file
    changed less than :attr:`RACY` seconds before it was read is not remembered: a write later in the same
    clock tick would leave its times as they were ("racy git").
    """

    RACY = 2.0

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock = threading.Lock()
        self.used: dict[str, list] = {}
        try:
            self.known: dict[str, list] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}

    def digest(self, path: Path) -> str:
        name = str(path.resolve())
        info = path.stat()
        stamp = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        with self.lock:
            entry = self.known.get(name)
        if entry is not None and entry[:5] == stamp:
            sha = entry[5]
        else:
            started = time.time_ns()
            sha = _read_digest(path)
            if started - max(info.st_mtime_ns, info.st_ctime_ns) < self.RACY * 1e9:
                return sha
        with self.lock:
            self.used[name] = [*stamp, sha]
        return sha

    def save(self) -> None:
        """Keep the files read in this run (only those: the memo never outgrows one build's inputs)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}")
        with self.lock:
            temporary.write_text(json.dumps(self.used), encoding="utf-8")
        temporary.replace(self.path)


_memo: DigestMemo | None = None


@contextlib.contextmanager
def remembered_digests(path: Path) -> Iterator[DigestMemo]:
    """Within the block, :func:`file_digest` reads a file only when ``stat`` says it changed (kept at ``path``)."""
    global _memo
    outer, _memo = _memo, DigestMemo(path)
    try:
        yield _memo
        _memo.save()
    finally:
        _memo = outer


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def tree_files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → SHA-256)."""
    return {path.relative_to(folder).as_posix(): file_digest(path)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def paths_digest(paths: Iterable[Path], root: Path) -> str:
    """One fingerprint of files and folders (with everything in them), by their place under ``root``."""
    files = {}
    for path in paths:
        if path.is_dir():
            files.update({f"{path.relative_to(root).as_posix()}/{name}": sha
                          for name, sha in tree_files(path).items() if "__pycache__" not in name})
        elif path.is_file():
            files[path.relative_to(root).as_posix()] = file_digest(path)
    return digest(files)


def project_digest(root: Path, pattern: str) -> str:
    """The fingerprint of what one declared glob matches in the project (nothing matched is a fingerprint too)."""
    return paths_digest(sorted(root.glob(pattern)), root)
