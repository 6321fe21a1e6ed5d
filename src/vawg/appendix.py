"""Appendix 6 tables, generated from the reference data the analysis reads.

- ``tbl-crime-categorisation``  :func:`table_crime_categorisation` (Appendix 6b)
- ``tbl-vawg-flags``            :func:`table_vawg_flags` (Appendix 6c)
"""

from __future__ import annotations

import pandas as pd

from vawg import reference
from vawg.artifacts import Column, Table

SOURCE = "vawg reference data (data/reference/), as used by this edition's analysis"


def table_crime_categorisation() -> Table:
    categorisation = reference.crime_categorisation()
    rows = (categorisation.assign(name=categorisation["vawg_offence_name"].fillna("(no VAWG offence name)"))
            .groupby(["crime_group", "crime_subgroup"], sort=True)["name"]
            .apply(lambda names: "; ".join(sorted(names, key=lambda n: (n.startswith("("), n))))
            .reset_index())
    return Table(
        id="tbl-crime-categorisation",
        caption="Police crime groups and subgroups, with the VAWG offence names in each",
        data=rows,
        columns=[Column("Crime group", "crime_group", "text"), Column("Subgroup", "crime_subgroup", "text"),
                 Column("VAWG offence names", "name", "text")],
        source=SOURCE,
    )


def table_vawg_flags() -> Table:
    types = reference.abuse_types()
    names = reference.abuse_type_offences().groupby("abuse_type")["vawg_offence_name"].apply(
        lambda column: "; ".join(sorted(column)))
    rules = []
    for row in types.itertuples():
        if row.rule == "all_vawg":
            rule = "Every offence the police mark as VAWG"
        elif row.rule == "extract_flag":
            rule = f"Flagged by the police in the extract (field {row.extract_field})"
        elif row.rule == "offence_name":
            rule = names.get(row.abuse_type, "")
        else:
            rule = "Not measurable from police data"
        rules.append({"label": row.label, "rule": rule})
    return Table(
        id="tbl-vawg-flags",
        caption="How each VAWG abuse type is identified in the police data",
        data=pd.DataFrame(rules),
        columns=[Column("Abuse type", "label", "text"), Column("Set by", "rule", "text")],
        source=SOURCE,
    )
