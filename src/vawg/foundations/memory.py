"""Giving freed memory back to the system between a build's heavy steps.

Arrow's allocator (mimalloc) and glibc's keep freed pages for reuse. After staging a full-scale extract the
build process held about 1.9 GB it no longer used beside every notebook's kernel (a two-job build peaked at
4.8 GB), and a kernel that had read the police offences held the Arrow table's 400 MB while it counted them.
"""

from __future__ import annotations

import ctypes
import functools


def release_freed_memory() -> None:
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once; None where the C library is not glibc (macOS, musl), whose
    allocator returns memory its own way."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
