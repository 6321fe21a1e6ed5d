"""The one date of a build, so that the same inputs built on the same day give the same bytes.

``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/) fixes it for a
rebuild on another day. Every date a published file carries comes from here: the edition's date,
the PDF's creation date, the Word file's properties and the time stamps inside its zip.
"""

from __future__ import annotations

import datetime as dt
import os


def build_date() -> dt.date:
    """``SOURCE_DATE_EPOCH``'s date when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def build_moment() -> dt.datetime:
    """Midnight (UTC, naive) of the build date: the time stamp published files carry."""
    return dt.datetime.combine(build_date(), dt.time())
