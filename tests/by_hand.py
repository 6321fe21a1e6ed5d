"""Calculations written out by hand, for tests to check the package's library-backed results against, and the
small hand-made inputs that tests in more than one folder share."""

import math

import pandas as pd
from scipy.stats import fisher_exact, norm

from vawg.foundations.paths import project_root
from vawg.intake.contracts.marac import MARAC


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest p-value times (m - k + 1), kept monotone and capped at 1."""
    ordered = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(ordered):
        running = max(running, min(1.0, p_values[i] * (len(p_values) - rank)))
        adjusted[i] = running
    return adjusted


def log_odds_ratio_p(table) -> float:
    """Two-sided p-value of the Wald test of log OR = 0 (statsmodels Table2x2), 0.5 added to every cell if one is 0."""
    import numpy as np
    from statsmodels.stats.contingency_tables import Table2x2

    cells = np.asarray(table, dtype=float)
    return float(Table2x2(cells + 0.5 if (cells == 0).any() else cells).log_oddsratio_pvalue())


CAMDEN = "E09000007"


def independent_table2(staged) -> pd.DataFrame:
    """Table 2 from the staged extract and the reference CSVs with plain pandas: no code shared with the analysis."""
    offences = pd.read_parquet(staged / "police_offences.parquet")
    offences = offences[(offences["recorded_date"].dt.year == 2024) & offences["vawg"]]
    population = pd.read_parquet(staged / "population.parquet")
    female = population[(population["sex"] == "F") & (population["year"] == 2023)]
    female = female.groupby("area_code")["population"].sum()
    police_boroughs = offences["borough_code"].unique()
    reference = project_root() / "data" / "reference"
    types = pd.read_csv(reference / "abuse_types.csv", keep_default_na=False)
    names = pd.read_csv(reference / "abuse_type_offences.csv")
    rows = []
    n1 = female[CAMDEN]
    n2 = female[[code for code in police_boroughs if code != CAMDEN]].sum()
    for t in types.itertuples():
        if t.rule == "none":
            continue
        if t.rule == "all_vawg":
            flagged = offences
        elif t.rule == "extract_flag":
            flagged = offences[offences[t.extract_field]]
        else:
            listed = set(names.loc[names["abuse_type"] == t.abuse_type, "vawg_offence_name"].str.strip())
            flagged = offences[offences["vawg_offence_name"].str.strip().isin(listed)]
        x1 = int((flagged["borough_code"] == CAMDEN).sum())
        x2 = int((flagged["borough_code"] != CAMDEN).sum())
        pooled = (x1 + x2) / (n1 + n2)
        # With no offences anywhere the two rates are equal: z = 0.
        z = 0.0 if pooled == 0 else (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        # A cell of 0 (no offences in one area): Fisher's exact test instead of the normal approximation.
        p = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])[1] if x1 + x2 and min(x1, x2) == 0 else 2 * norm.sf(abs(z))
        rows.append({"abuse_type": t.abuse_type, "borough_rate": x1 / n1 * 1000, "rest_rate": x2 / n2 * 1000,
                     "z": z, "p_unadjusted": p})
    table = pd.DataFrame(rows).set_index("abuse_type")
    # The abuse types are one family (Holm); the overall row stands alone.
    table["p"] = table["p_unadjusted"]
    types = table.index != "all_vawg"
    table.loc[types, "p"] = holm(table.loc[types, "p_unadjusted"].tolist())
    return table


# MARAC annual tables by hand: one row per year and area, the referral sources adding up to the cases heard.
MARAC_COLUMNS = [field.name for field in MARAC.fields]


def area_row(year: int, area: str, cases: int, population: int, **parts) -> dict:
    row = {name: 0 for name in MARAC_COLUMNS}
    row.update(year=year, area=area, cases_heard=cases, adult_female_population=population)
    row.update(parts)
    police = row["police_referrals"]
    row["other_referrals"] = cases - police  # the referral sources add up to the cases heard
    return row


def write_marac(folder, rows) -> None:
    frame = pd.DataFrame(rows)[MARAC_COLUMNS]
    frame.to_parquet(folder / "marac.parquet")
