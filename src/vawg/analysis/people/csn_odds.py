"""Chapter 3, "Who the victims are": odds of each referral route, outcome and abuse type by age band and ethnic group.

For every age band (ethnic group) of the Safety Net's referrals of the report
year and every characteristic below, the two-by-two table "in the band or not"
× "with the characteristic or not" (referrals with a recorded age, or ethnic
group) gives an odds ratio with Woolf's 95% interval and the matching Wald
p-value (:func:`vawg.foundations.stats.profiles.odds_ratio`). Each characteristic is compared
across all bands (groups) at once, so its p-values are adjusted for the number
of comparisons by Holm's method; only adjusted p < 0.05 counts as a finding.

Artifact ids and the functions that make them (seed Figures 15 and 19 quote
these odds in their text):

- ``tbl-csn-age-odds``         :func:`table_csn_age_odds`
- ``tbl-csn-ethnicity-odds``   :func:`table_csn_ethnicity_odds`
- values ``profiles.csn_*_odds_sentence``   :func:`prose_values`

Small numbers: a row where any cell of its two-by-two table is 1 to 6, or
whose band is hidden in the age or ethnic profile, shows every derived value
as "[c]"; across the bands of one characteristic, when exactly one count is
hidden, the next smallest goes too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from vawg.writing.artifacts import Column, Table, format_value
from vawg.analysis.people.group_profile import ETHNIC_GROUPS, ETHNIC_LABELS, GroupProfile
from vawg.analysis.people.service_profiles import CSN_BANDS, ServiceProfiles
from vawg.foundations.stats.profiles import adjust_p_values, odds_ratio
from vawg.foundations.suppression import CONFIDENTIAL, is_small, secondary_suppression
from vawg.foundations.wording import join_words, phrase

SOURCE = "Council DVA service case records (contact forms)"
FAMILY = "DVA - Family (incl. child v parent, sibling)"
EX_PARTNER = "DVA - Intimate ex-partner"
PARTNER = "DVA - Intimate partner violence"


def _ticked(item: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda referrals: referrals["abuse_types"].map(lambda items: item in set(items))


def _outcome(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda referrals: referrals["outcome"] == name


# (key, table label): the referral routes, outcomes and abuse types the seed compares; what the prose says after
# "odds of" is the key's case of the wording entry odds_of (chapters/_03-victim-profiles.wording.yml).
CHARACTERISTICS: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.Series]], ...] = (
    ("self_referral", "Self-referral", lambda r: r["referral_source"] == "Self-referral"),
    ("progressed", "Progressed beyond referral (risk assessed)", lambda r: r["risk_assessment_completed"].astype(bool)),
    ("converted", "Became a DVA client (converted to a case)", _outcome("DVA client")),
    ("not_converted", "Not converted", _outcome("Not converted")),
    ("unable_to_contact", "Unable to make safe contact", _outcome("Unable to make safe contact")),
    ("declined", "Declined services", _outcome("Declined services")),
    ("referred_on", "Referred to another service", _outcome("Referred to another service")),
    ("family_dva", "Family DVA", _ticked(FAMILY)),
    ("ex_partner_dva", "Intimate ex-partner DVA", _ticked(EX_PARTNER)),
    ("partner_dva", "Intimate partner DVA", _ticked(PARTNER)),
)


def odds_by_group(groups: pd.Series, referrals: pd.DataFrame, order: list[str], profile_hidden: pd.Series,
                  threshold: int, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per characteristic and group: the group against every other group with a recorded value.

    ``groups`` gives each referral's group (missing: not recorded, left out);
    ``profile_hidden`` the groups the profile figure hides, whose rows are hidden here too.
    """
    known = groups.notna()
    referrals, groups = referrals[known], groups[known]
    rows = []
    for key, label, has in CHARACTERISTICS:
        odds_of = phrase("victim-profiles", "odds_of", key)
        flag = has(referrals).to_numpy(dtype=bool)
        part = []
        for group in order:
            member = (groups == group).to_numpy()
            cells = (int((member & flag).sum()), int((member & ~flag).sum()),
                     int((~member & flag).sum()), int((~member & ~flag).sum()))
            row = {"characteristic": key, "characteristic_label": label, "phrase": odds_of, "group": group,
                   "label": (labels or {}).get(group, group), "with": cells[0], "without": cells[1],
                   "others_with": cells[2], "others_without": cells[3], "in_group": cells[0] + cells[1]}
            if row["in_group"] and cells[2] + cells[3]:
                ratio = odds_ratio([[cells[0], cells[1]], [cells[2], cells[3]]])
                row.update(odds_ratio=ratio.estimate, lower=ratio.lower, upper=ratio.upper, p_value=ratio.p_value,
                           corrected=ratio.corrected)
            else:
                row.update(odds_ratio=np.nan, lower=np.nan, upper=np.nan, p_value=np.nan, corrected=False)
            part.append(row)
        part = pd.DataFrame(part)
        tested = part["p_value"].notna()
        part["adjusted_p"] = np.nan
        if tested.any():
            part.loc[tested, "adjusted_p"] = adjust_p_values(part.loc[tested, "p_value"].to_numpy())
        # A band's count of referrals with the characteristic sums to a total with the others: hide two, never one.
        small_cell = part[["with", "without", "others_with", "others_without"]].apply(
            lambda cells: any(is_small(n, threshold) for n in cells), axis=1)
        primary = small_cell | part["group"].map(profile_hidden).fillna(False).astype(bool)
        part["hidden"] = primary | secondary_suppression(part["with"].where(~primary, 1), threshold)
        rows.append(part)
    table = pd.concat(rows, ignore_index=True)
    table["basis"] = np.where(table["hidden"], 1, table[["with", "without", "others_with", "others_without"]].max(
        axis=1))
    table["share"] = table["with"] / table["in_group"] * 100
    table["others_share"] = table["others_with"] / (table["others_with"] + table["others_without"]) * 100
    table["significant"] = (table["adjusted_p"] < 0.05) & ~table["hidden"]
    table["with_text"] = [format_value(n, "count", threshold=threshold) if is_small(n, threshold) or not hidden
                          else CONFIDENTIAL for n, hidden in zip(table["with"], table["hidden"])]
    table["ci"] = [CONFIDENTIAL if hidden else "–" if np.isnan(low) else f"{low:.2f} to {high:.2f}"
                   for hidden, low, high in zip(table["hidden"], table["lower"], table["upper"])]
    table["finding"] = [CONFIDENTIAL if row.hidden else "Not tested" if np.isnan(row.adjusted_p) else
                        ("Higher odds" if row.odds_ratio > 1 else "Lower odds") if row.significant else
                        "No significant difference" for row in table.itertuples()]
    return table


def age_odds(analysis: ServiceProfiles) -> pd.DataFrame:
    hidden = analysis.csn_age().table().set_index("group")["hidden"]
    return odds_by_group(analysis.referrals["age_band"], analysis.referrals, list(CSN_BANDS), hidden,
                         analysis.threshold)


def ethnicity_odds(analysis: ServiceProfiles) -> pd.DataFrame:
    profile: GroupProfile = analysis.csn_ethnicity()
    hidden = profile.table().set_index("group")["hidden"]
    groups = analysis.referrals["ethnicity"].where(analysis.referrals["ethnicity"].isin(ETHNIC_GROUPS))
    return odds_by_group(groups, analysis.referrals, list(ETHNIC_GROUPS), hidden, analysis.threshold,
                         ETHNIC_LABELS)


def _columns(group_header: str) -> list[Column]:
    return [
        Column("Characteristic", "characteristic_label", "text"),
        Column(group_header, "label", "text"),
        Column("Referrals with it", "with_text", "text"),
        Column(f"% of the {group_header.lower()}", "share", "percent", 1, basis="basis"),
        Column("% of other referrals", "others_share", "percent", 1, basis="basis"),
        Column("Odds ratio", "odds_ratio", "number", 2, basis="basis"),
        Column("95% CI", "ci", "text"),
        Column("p-value (Wald)", "p_value", "pvalue", 3, basis="basis"),
        Column("Holm-adjusted p-value", "adjusted_p", "pvalue", 3, basis="basis"),
        Column("Finding", "finding", "text"),
    ]


def _notes(threshold: int, group: str) -> tuple[str, ...]:
    # The tables print in the quantitative methods appendix: their words are in its wording file.
    return (
        phrase("a6-quantitative-methods", "csn_odds_notes", "odds_ratio", group=group),
        phrase("a6-quantitative-methods", "csn_odds_notes", "interval", group=group),
        phrase("a6-quantitative-methods", "csn_odds_notes", "measures"),
        phrase("a6-quantitative-methods", "csn_odds_notes", "hidden", threshold=threshold),
    )


def _caption(analysis: ServiceProfiles, group: str) -> str:
    return phrase("a6-quantitative-methods", "csn_odds_caption", group=group, borough=analysis.borough,
                  year=analysis.year)


def _odds_table(analysis: ServiceProfiles, table_id: str, group: str, data: pd.DataFrame) -> Table:
    """One odds table: ``group`` ("age band") names the groups in its caption, header and notes."""
    return Table(
        id=table_id,
        caption=_caption(analysis, group),
        data=data, columns=_columns(group.capitalize()), source=SOURCE,
        notes=_notes(analysis.threshold, group), emphasis="significant")


def table_csn_age_odds(analysis: ServiceProfiles) -> Table:
    return _odds_table(analysis, "tbl-csn-age-odds", "age band", age_odds(analysis))


def table_csn_ethnicity_odds(analysis: ServiceProfiles) -> Table:
    return _odds_table(analysis, "tbl-csn-ethnicity-odds", "ethnic group", ethnicity_odds(analysis))


# -- prose ------------------------------------------------------------------------

def _p_words(p: float) -> str:
    return "adjusted p < 0.001" if p < 0.001 else "adjusted p < 0.01" if p < 0.01 else f"adjusted p = {p:.3f}"


def findings_sentence(table: pd.DataFrame, clause: Callable[[str, str], str], none: str) -> str:
    """The significant findings only, strongest first, each with its odds ratio, interval and adjusted p.

    ``clause(group, findings)`` words one group's findings ("referrals aged 18-24 had ...")."""
    found = table[table["significant"]].copy()
    if found.empty:
        return none
    found["strength"] = np.abs(np.log(found["odds_ratio"]))
    clauses = []
    for group, rows in found.sort_values("strength", ascending=False).groupby("label", sort=False):
        parts = [phrase("victim-profiles", "odds_finding", "higher" if row.odds_ratio > 1 else "lower", what=row.phrase,
                        ratio=f"{row.odds_ratio:.2f}", lower=f"{row.lower:.2f}", upper=f"{row.upper:.2f}",
                        p=_p_words(row.adjusted_p))
                 for row in rows.itertuples()]
        clauses.append(clause(group, join_words(parts)))
    return phrase("victim-profiles", "odds_sentence", clauses="; ".join(clauses))


def prose_values(analysis: ServiceProfiles) -> dict[str, tuple]:
    """The sentences that cite the significant odds ratios: ``{key: (value, kind, decimals)}``."""
    age = findings_sentence(
        age_odds(analysis),
        lambda band, findings: phrase("victim-profiles", "odds_clause", "age", group=band, findings=findings),
        phrase("victim-profiles", "odds_none", "age"))
    ethnicity = findings_sentence(
        ethnicity_odds(analysis),
        lambda group, findings: phrase("victim-profiles", "odds_clause", "ethnicity", group=group, findings=findings),
        phrase("victim-profiles", "odds_none", "ethnicity"))
    return {
        "profiles.csn_age_odds_sentence": (age, "text", 0),
        "profiles.csn_ethnicity_odds_sentence": (ethnicity, "text", 0),
        "profiles.csn_odds_characteristics": (len(CHARACTERISTICS), "count", 0),
    }
