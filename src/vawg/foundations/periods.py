"""The edition's periods: the one rule for which calendar year an edition reports on."""

from __future__ import annotations

import datetime as dt


def report_year(period_end: str | dt.date) -> int:
    """The last complete calendar year of an edition: the period's year when it ends in December, else the year before.

    A date, a pandas Timestamp (a date too) or an ISO date string. No pandas here: the command line imports it.

    >>> report_year("2024-12-31"), report_year("2024-09-30"), report_year(dt.date(2025, 3, 31))
    (2024, 2023, 2024)
    """
    end = dt.date.fromisoformat(period_end[:10]) if isinstance(period_end, str) else period_end
    return end.year if end.month == 12 else end.year - 1
