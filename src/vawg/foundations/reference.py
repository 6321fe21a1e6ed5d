"""Reference data the analysis reads and Appendix 6 prints: one loader per file.

The files live in ``data/reference/`` so that analysts change a mapping by
editing data, and the report's appendix always shows the mapping the
analysis actually used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from vawg.foundations.paths import project_root


# The Open Government Licence v3.0 asks re-users to acknowledge the source; data/open/SOURCES.md gives this wording.
OPEN_DATA_ATTRIBUTION = (
    "Office for National Statistics and Greater London Authority, licensed under the Open Government "
    "Licence v3.0. Contains National Statistics data © Crown copyright and database right 2021–2024. "
    "Contains OS data © Crown copyright and database right 2015–2024.")
# The same, short enough to print on a map.
MAP_ATTRIBUTION = ("ONS and GLA open data (Open Government Licence v3.0). Contains National Statistics and OS data "
                   "© Crown copyright and database right 2015–2024.")


def reference_path(name: str) -> Path:
    return project_root() / "data" / "reference" / name


def read_text_table(path: Path, required: list[str] | tuple[str, ...], shown: str | None = None) -> pd.DataFrame:
    """A CSV of text cells (nothing read as missing) that must hold ``required`` columns.

    Raises ``DataError`` naming the file (as ``shown``, else its path) when it is absent or lacks a column.
    """
    from vawg.foundations.errors import DataError

    name = shown or str(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)}")
    return table


def open_data_dir() -> Path:
    """The open ONS/GLA reference data shipped with the project (``data/open/``): the default reference folder."""
    return project_root() / "data" / "open"


@lru_cache(maxsize=None)
def boroughs() -> pd.DataFrame:
    """London local authorities with their police force."""
    return pd.read_csv(reference_path("boroughs.csv"), dtype=str)


def borough_names(*, police_only: bool = False) -> list[str]:
    table = boroughs()
    if police_only:
        table = table[table["police_force"] == "Metropolitan Police Service"]
    return table["borough_name"].tolist()


@lru_cache(maxsize=None)
def crime_categorisation() -> pd.DataFrame:
    """Police crime groups, subgroups and VAWG offence names (Appendix 6b)."""
    table = pd.read_csv(reference_path("crime_categorisation.csv"), dtype=str, keep_default_na=False)
    table["vawg_offence_name"] = table["vawg_offence_name"].str.strip().replace("", pd.NA)
    return table


@lru_cache(maxsize=None)
def abuse_types() -> pd.DataFrame:
    """Abuse types in report order, with the rule that sets each (Appendix 6c)."""
    table = pd.read_csv(reference_path("abuse_types.csv"), dtype={"table_order": int}, keep_default_na=False)
    return table.sort_values("table_order").reset_index(drop=True)


@lru_cache(maxsize=None)
def abuse_type_offences() -> pd.DataFrame:
    """Which VAWG offence names set each name-based abuse-type flag (Appendix 6c)."""
    table = pd.read_csv(reference_path("abuse_type_offences.csv"), dtype=str)
    table["vawg_offence_name"] = table["vawg_offence_name"].str.strip()
    return table


def abuse_type_label(abuse_type: str) -> str:
    labels = abuse_types().set_index("abuse_type")["label"]
    return str(labels[abuse_type])


@lru_cache(maxsize=None)
def events() -> pd.DataFrame:
    """Dated events charts annotate and trend comparisons respect (lockdowns, recording changes)."""
    return pd.read_csv(reference_path("events.csv"), parse_dates=["start", "end"], keep_default_na=False,
                       na_values={"end": [""]})
