"""One build at a time per edition of a build folder, and disk faults told in one line.

Two builds of one edition into one folder would share its scratch folder and cache and overwrite each
other; two boroughs' editions share nothing but the folder, so they may build side by side
(``vawg build --borough all``). The lock is an advisory ``flock`` on ``<build>/.<edition>.lock``, so it
goes with its process however that process ends; the file names the build holding it, for the message
the second build prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from vawg.foundations.errors import ParameterError, VawgError

LOCK_SUFFIX = ".lock"
# Faults of the disk or the folder, not of the program: told in one line, never as a traceback.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
                         errno.EFBIG})


class BuildFolderBusy(VawgError):
    """Another build holds the build folder."""


class OutputError(VawgError):
    """The build folder could not be written (disk full, read-only, no permission)."""


def check_build_dir(build_dir: Path) -> None:
    if build_dir.exists() and not build_dir.is_dir():
        raise ParameterError(f"build_dir: {build_dir} is a file, not a folder")


@contextlib.contextmanager
def build_lock(build_dir: Path, edition: str) -> Iterator[None]:
    """Hold the build folder's ``edition`` for one build; refuse at once, naming the running build, if another
    holds it."""
    check_build_dir(build_dir)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise disk_error(error, build_dir) from None
    path = build_dir / f".{edition}{LOCK_SUFFIX}"
    while True:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the build
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _holder(handle.read())
            handle.close()
            raise BuildFolderBusy(f"build folder {build_dir} is busy: {holder}; wait for it to finish, "
                                  "or build into another --build-dir") from None
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()  # the holder removed the file as we opened it: lock the new one
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"edition": edition, "pid": os.getpid(), "host": socket.gethostname(),
                                 "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")}))
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        handle.close()


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        return (f"{info['edition']} is being built by process {info['pid']} on {info['host']} "
                f"(started {info['started']})")
    except (ValueError, KeyError, TypeError):
        return "another build is running in it"


def disk_error(error: OSError, where: Path) -> OutputError:
    reason = error.strerror or str(error)
    name = f" ({error.filename})" if error.filename else ""
    return OutputError(f"could not write to {where}: {reason}{name}; the last edition is untouched")
