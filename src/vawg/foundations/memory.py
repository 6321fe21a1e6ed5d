"""Giving freed memory back to the system between a build's heavy steps.

Arrow's allocator (mimalloc) and glibc's keep freed pages for reuse. After staging a full-scale extract the
build process held about 1.9 GB it no longer used beside every notebook's kernel (a two-job build peaked at
4.8 GB), and a kernel that had read the police offences held the Arrow table's 400 MB while it counted them.
"""

from __future__ import annotations

import ctypes


def release_freed_memory() -> None:
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): its allocator returns memory its own way
        pass
