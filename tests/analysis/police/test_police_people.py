"""Victim–suspect relationship, suspect profile and outcomes against independent calculations.

The independent checks read the staged Parquet with plain pandas and apply the
formulas by hand (pooled z-test, Wilson interval, Woolf's odds-ratio interval
and the Wald test of the log odds ratio); they share no code
with the analysis. Small hand-made frames check the proxy crime id and the
suppression of small categories.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from by_hand import holm
from scipy.stats import norm

from vawg.writing.artifacts import ArtifactWriter, read_download
from vawg.foundations.paths import project_root
from vawg.analysis.police import outcomes, relationships, suspects

CAMDEN = "E09000007"
YEAR = 2024
Z = norm.ppf(0.975)
POSITIVE = {"Charged/summonsed", "Charged/summonsed - alternative offence", "Caution", "Community resolution",
            "Penalty notice"}


def pooled_z(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * norm.sf(abs(z))


def wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = p + Z ** 2 / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z ** 2 / (4 * n ** 2))
    return (centre - spread) / (1 + Z ** 2 / n) * 100, (centre + spread) / (1 + Z ** 2 / n) * 100


@pytest.fixture(scope="module")
def staged(built_edition):
    return built_edition.root / "staged"


@pytest.fixture(scope="module")
def vawg_offences(staged) -> pd.DataFrame:
    offences = pd.read_parquet(staged / "police_offences.parquet")
    return offences[offences["vawg"] & (offences["recorded_date"].dt.year == YEAR)]


def compute(cls, staged):
    return cls.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)


# -- victim–suspect relationship --------------------------------------------------------------------------

def test_known_to_victim_shares_and_test_match_an_independent_calculation(staged, vawg_offences):
    with_suspect = vawg_offences[vawg_offences["suspect_known_to_victim"].notna()]
    table = compute(relationships.Relationships, staged).group_table().set_index("key")
    groups = {"all": with_suspect, "violence_against_the_person":
              with_suspect[with_suspect["crime_group"] == "Violence Against The Person"]}
    for key, frame in groups.items():
        borough, rest = frame[frame["borough_code"] == CAMDEN], frame[frame["borough_code"] != CAMDEN]
        x1, n1 = int((borough["suspect_known_to_victim"] == "Known to victim").sum()), len(borough)
        x2, n2 = int((rest["suspect_known_to_victim"] == "Known to victim").sum()), len(rest)
        z, p = pooled_z(x1, n1, x2, n2)
        row = table.loc[key]
        assert (row["with_suspect"], row["known"]) == (n1, x1)
        assert row["known_share"] == pytest.approx(x1 / n1 * 100)
        assert row["london_known_share"] == pytest.approx((x1 + x2) / (n1 + n2) * 100)
        # The crime groups are one family of tests, Holm-adjusted; all VAWG offences are a test of their own.
        assert (row["z"], row["p" if key == "all" else "p_unadjusted"]) == (pytest.approx(z), pytest.approx(p))
        assert (row["known_lower"], row["known_upper"]) == pytest.approx(wilson(x1, n1))
    assert table.loc["all", "vawg"] == int((vawg_offences["borough_code"] == CAMDEN).sum())
    groups = table.drop("all")
    tested = groups["p_unadjusted"].notna()
    assert groups.loc[tested, "p"].tolist() == pytest.approx(holm(groups.loc[tested, "p_unadjusted"].tolist()))


def relationship_counts(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["borough_code", "crime_group", "vawg", "with_suspect", "known"])
    return frame.set_index(["borough_code", "crime_group"])


def test_a_share_that_would_reveal_a_small_count_of_strangers_is_hidden(tmp_path):
    counts = relationship_counts([
        (CAMDEN, "Violence Against The Person", 300, 200, 150),
        (CAMDEN, "Sexual Offences", 60, 40, 37),          # 3 strangers: the share and the known count are hidden
        (CAMDEN, "Public Order Offences", 50, 30, 20),    # hidden too, or the total would give the 3 away
        ("E09000012", "Violence Against The Person", 900, 600, 400),
        ("E09000012", "Sexual Offences", 300, 200, 100),
        ("E09000012", "Public Order Offences", 100, 80, 30),
    ])
    analysis = relationships.Relationships("Camden", CAMDEN, YEAR, counts, threshold=7)
    writer = ArtifactWriter(tmp_path, 7)
    writer.table(relationships.table_suspect_relationship(analysis))
    published = read_download(tmp_path / "data" / "tbl-suspect-relationship.csv").set_index("Crime group")
    sexual = published.loc["Sexual offences"]
    assert sexual["With a suspect"] == "40"
    assert (sexual["Known to the victim"], sexual["% known"], sexual["95% CI"], sexual["p-value"]) == \
        ("[c]", "[c]", "[c]", "[c]")
    assert sexual["p < 0.05"] == "[c]"
    public_order = published.loc["Public order offences"]
    assert (public_order["Known to the victim"], public_order["% known"]) == ("[c]", "[c]")
    assert published.loc["Violence against the person", "% known"] == "75.0"
    assert published.loc["All VAWG offences", "% known"] == f"{207 / 270 * 100:.1f}"
    values = relationships.prose_values(analysis)
    writer.values(values)
    assert "sexual" not in values["relationship.stranger_sentence"][0]
    assert "public order" not in values["relationship.stranger_sentence"][0]


def test_the_chart_shows_the_tables_cells_and_says_its_groups_do_not_add_up_when_it_leaves_one_out(tmp_path):
    """Barnet's edition stopped at the audit: the chart left out a small group, and the audit read the chart's
    groups as the parts of its total. They are not: the chart shows the table's decisions and says so."""
    import json

    from vawg.publishing.audit import audit_edition

    # Enfield's 5% edition: 153 offences with a suspect; the chart leaves out three small groups (12 between them
    # and the two small charted ones), which a reader who took the chart's groups as the whole would read as 6 + 6.
    charted_groups = [("Violence Against The Person", 114), ("Sexual Offences", 18), ("Public Order Offences", 9),
                      ("Arson And Criminal Damage", 3), ("Theft", 3)]
    left_out = [("Burglary", 2), ("Robbery", 2), ("Vehicle Offences", 2)]
    counts = relationship_counts(
        [(CAMDEN, group, n + 5, n, n // 2) for group, n in charted_groups + left_out]
        + [("E09000012", group, 2000, 1000, 600) for group, _ in charted_groups]
        + [("E09000012", group, 20, 10, 5) for group, _ in left_out])
    analysis = relationships.Relationships("Camden", CAMDEN, YEAR, counts, threshold=7)
    table, charted = analysis.group_table(), analysis.charted()
    assert len(table) - len(charted) == 3 and "Robbery" not in set(charted["crime_group"])
    decided = table.set_index("crime_group")[["total_hidden", "basis"]]
    assert charted.set_index("crime_group")[["total_hidden", "basis"]].equals(decided.loc[charted["crime_group"]])
    figure = relationships.figure_suspect_relationship(analysis)
    assert "left out, so the groups shown do not add up" in figure.rows_do_not_add_up
    root = tmp_path / "edition"
    writer = ArtifactWriter(root / "artifacts", 7)
    writer.figure(figure)
    writer.values({"edition.borough": ("Camden", "text", 0), "edition.suppression_threshold": (7, "number", 0)})
    (root / "output" / "site" / "artifacts").mkdir(parents=True)
    (root / "artifacts" / "data").rename(root / "output" / "site" / "artifacts" / "data")
    assert audit_edition(root).findings == []
    manifest = root / "artifacts" / "manifest.json"
    entries = json.loads(manifest.read_text())
    entries["figures"][0]["rows_do_not_add_up"] = False  # read as a sum, the chart "gives" each small group as 6
    manifest.write_text(json.dumps(entries))
    misread = audit_edition(root).findings
    assert [(finding.attack, finding.value) for finding in misread] == [("total difference", 6)] * 2, misread


# -- suspects ------------------------------------------------------------------------------------------------

def hand_made_suspects() -> pd.DataFrame:
    return pd.DataFrame({
        "recorded_date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-01", "2024-03-01", "2024-03-02",
                                         "2024-03-01"]),
        "ward_code": ["W1", "W1", "W2", "W1", "W1", "W1"],
        "crime_subgroup": ["Harassment", "Harassment", "Harassment", "Harassment", "Harassment", "Rape"],
        "vawg_offence_name": ["Stalking", "Stalking", "Stalking", None, "Stalking", "Rape"],
    })


def test_proxy_crime_id_groups_suspects_by_date_ward_and_offence():
    frame = hand_made_suspects()
    ids = suspects.proxy_crime_id(frame)
    assert ids.iloc[0] == "2024-03-01|W1|Harassment|Stalking"
    assert ids.iloc[3] == "2024-03-01|W1|Harassment|"
    assert ids.iloc[0] == ids.iloc[1]
    assert ids.nunique() == 5  # other ward, no offence name, other day and other offence each make their own
    per_offence = suspects.suspects_per_offence(frame)
    assert per_offence.sum() == 6 and (per_offence > 1).sum() == 1
    assert per_offence["2024-03-01|W1|Harassment|Stalking"] == 2


def test_suspect_counts_and_male_rate_match_an_independent_calculation(staged):
    frame = pd.read_parquet(staged / "police_suspects.parquet")
    frame = frame[(frame["borough_code"] == CAMDEN) & (frame["recorded_date"].dt.year == YEAR)]
    proxy = frame.groupby(["recorded_date", "ward_code", "crime_subgroup", "vawg_offence_name"], dropna=False).size()
    population = pd.read_parquet(staged / "population.parquet")
    male = population[(population["area_code"] == CAMDEN) & (population["year"] == YEAR - 1)
                      & (population["sex"] == "M")]["population"].sum()
    profile = compute(suspects.SuspectProfile, staged)
    summary = profile.summary()
    assert summary["suspects"] == len(frame)
    assert summary["offences"] == len(proxy)
    assert summary["several"] == int((proxy > 1).sum())
    assert summary["male"] == int((frame["suspect_sex"] == "M").sum())
    assert summary["male_rate"] == pytest.approx((frame["suspect_sex"] == "M").sum() / male * 1000)
    table = profile.profile_table().set_index(["field", "category"])
    female = int((frame["suspect_sex"] == "F").sum())
    assert table.loc[("suspect_sex", "Female"), "share"] == pytest.approx(female / len(frame) * 100)
    assert (table.loc[("suspect_sex", "Female"), "lower"], table.loc[("suspect_sex", "Female"), "upper"]) == \
        pytest.approx(wilson(female, len(frame)))
    not_recorded = int((frame["suspect_self_defined_ethnicity"] == "Not recorded").sum())
    assert table.loc[("suspect_self_defined_ethnicity", "Not recorded"), "count"] == not_recorded


def tiny_profile() -> suspects.SuspectProfile:
    """Camden: 40 suspects, 3 of unknown sex (primary) so one more sex is hidden (secondary); Hackney: 20."""
    rows = []
    for borough, sexes in ((CAMDEN, ["M"] * 27 + ["F"] * 10 + ["U"] * 3), ("E09000012", ["M"] * 15 + ["F"] * 5)):
        for position, sex in enumerate(sexes):
            rows.append({"recorded_date": pd.Timestamp(2024, 1, 1 + position % 28), "borough_code": borough,
                         "ward_code": "W1", "crime_group": "Violence Against The Person",
                         "crime_subgroup": "Harassment", "vawg_offence_name": "Stalking",
                         "suspect_sex": suspects.SEXES[sex], "suspect_age_band": "18-24",
                         "suspect_ethnic_appearance": "Unknown", "suspect_self_defined_ethnicity": "Not recorded",
                         "known_to_victim": True})
    males = pd.Series({CAMDEN: 100_000, "E09000012": 120_000})
    return suspects.SuspectProfile("Camden", CAMDEN, YEAR, pd.DataFrame(rows), males, threshold=7)


def test_small_suspect_categories_are_suppressed_with_a_second_cell_so_the_total_cannot_reveal_them(tmp_path):
    profile = tiny_profile()
    writer = ArtifactWriter(tmp_path, 7)
    writer.table(suspects.table_suspect_profile(profile))
    published = read_download(tmp_path / "data" / "tbl-suspect-profile.csv")
    sex = published[published["Characteristic"] == "Sex"].set_index("Group")
    assert sex.loc["Not recorded", "Suspects, Camden"] == "<7"
    assert sex.loc["Not recorded", "% of suspects, Camden"] == "[c]"
    assert sex.loc["Female", "Suspects, Camden"] == "[c]"      # 40 − 27 − 10 would give away the 3
    assert sex.loc["Female", "% of suspects, Camden"] == "[c]"
    assert sex.loc["Male", "Suspects, Camden"] == "27"
    assert "3" not in sex.loc["Not recorded"].tolist()
    values = suspects.prose_values(profile)
    writer.values(values)
    shown = pd.read_json(tmp_path / "values.json").T["text"]
    assert shown["suspects.sex_unknown_share"] == "[c]"
    assert shown["suspects.female_share"] == "[c]"
    assert shown["suspects.count"] == "40"


# -- outcomes ------------------------------------------------------------------------------------------------

def test_positive_outcome_rate_rank_and_test_match_an_independent_calculation(staged, vawg_offences):
    known = vawg_offences[vawg_offences["outcome_known"]]
    positive = known["outcome_category"].isin(POSITIVE)
    rates = positive.groupby(known["borough_code"]).mean()
    borough = known["borough_code"] == CAMDEN
    x1, n1 = int(positive[borough].sum()), int(borough.sum())
    x2, n2 = int(positive[~borough].sum()), int((~borough).sum())
    z, p = pooled_z(x1, n1, x2, n2)
    analysis = compute(outcomes.Outcomes, staged)
    overall = analysis.rate_table().set_index("abuse_type").loc["all_vawg"]
    assert (overall["known"], overall["positive"]) == (n1, x1)
    assert overall["rate"] == pytest.approx(x1 / n1 * 100)
    assert overall["london_rate"] == pytest.approx(positive.mean() * 100)
    assert (overall["z"], overall["p"]) == (pytest.approx(z), pytest.approx(p))
    assert (overall["lower"], overall["upper"]) == pytest.approx(wilson(x1, n1))
    assert analysis.rank() == (int((rates > rates[CAMDEN]).sum()) + 1, len(rates))


def test_domestic_abuse_odds_ratio_matches_woolf_and_its_wald_test_by_hand(staged, vawg_offences):
    known = vawg_offences[vawg_offences["outcome_known"] & (vawg_offences["borough_code"] == CAMDEN)]
    positive = known["outcome_category"].isin(POSITIVE)
    dva = known["dva_flag"].astype(bool)
    a, b = int((dva & positive).sum()), int((dva & ~positive).sum())
    c, d = int((~dva & positive).sum()), int((~dva & ~positive).sum())
    assert min(a, b, c, d) > 0
    ratio = a * d / (b * c)
    spread = Z * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    table = compute(outcomes.Outcomes, staged).odds_ratios().set_index("abuse_type")
    row = table.loc["dva"]
    assert row["odds_ratio"] == pytest.approx(ratio)
    assert (row["lower"], row["upper"]) == pytest.approx((ratio * math.exp(-spread), ratio * math.exp(spread)))
    wald = math.erfc(abs(math.log(ratio)) / (spread / Z) / math.sqrt(2))
    assert row["p_unadjusted"] == pytest.approx(wald, rel=1e-6)
    # The abuse types are one family of tests: the published p-value is Holm's adjustment of them all.
    assert table["p"].tolist() == pytest.approx(holm(table["p_unadjusted"].tolist()))


def test_odds_ratio_and_its_wald_test_on_a_hand_checkable_table():
    # [[8, 2], [1, 5]]: OR = 40 / 2 = 20; log OR = 2.996 with standard error √(1/8 + 1/2 + 1 + 1/5) = 1.351,
    # z = 2.217, two-sided p = 0.0266.
    frame = pd.DataFrame({"borough_code": CAMDEN, "outcome_category": "x", "known": True,
                          "positive": [True] * 8 + [False] * 2 + [True] * 1 + [False] * 5,
                          "all_vawg": True, "dva": [True] * 10 + [False] * 6})
    analysis = outcomes.Outcomes("Camden", CAMDEN, YEAR, frame,
                                 pd.DataFrame({"abuse_type": ["all_vawg", "dva"], "label": ["All", "Domestic abuse"]}),
                                 threshold=1)
    row = analysis.odds_ratios().iloc[0]
    assert row["odds_ratio"] == pytest.approx(20.0)
    assert row["p"] == pytest.approx(0.0266, abs=1e-4)
    assert row["significant"] == (row["lower"] > 1)


def test_reasons_for_no_positive_outcome_match_an_independent_calculation(staged, vawg_offences):
    known = vawg_offences[vawg_offences["outcome_known"] & (vawg_offences["borough_code"] == CAMDEN)]
    negative = known[~known["outcome_category"].isin(POSITIVE)]
    shares = negative["outcome_category"].value_counts(normalize=True) * 100
    reasons = compute(outcomes.Outcomes, staged).reasons().set_index("reason")
    assert reasons["total"].iloc[0] == len(negative)
    for reason, share in shares.items():
        assert reasons.loc[reason, "share"] == pytest.approx(share)


# -- prose -----------------------------------------------------------------------------------------------------

def test_every_value_the_sections_quote_is_computed(staged):
    computed = {}
    for module, cls in ((relationships, relationships.Relationships), (suspects, suspects.SuspectProfile),
                        (outcomes, outcomes.Outcomes)):
        computed.update(module.prose_values(compute(cls, staged)))
    for name in ("_03-relationships.qmd", "_03-suspects.qmd", "_03-outcomes.qmd"):
        text = (project_root() / "chapters" / name).read_text(encoding="utf-8")
        keys = set(re.findall(r"\{\{< var ([a-z0-9_.]+) >\}\}", text)) - {"edition.borough"}
        assert keys, name
        assert not keys - set(computed), f"{name} quotes values no function computes: {sorted(keys - set(computed))}"
        assert "Camden" not in text


# -- calibration: the default data reproduce the seed's figures through the analysis itself --------------------

def analysed_targets(folder) -> dict[str, float]:
    """The calibration targets of these sections, as the build's analysis computes them (Camden 2024)."""
    relationship = compute(relationships.Relationships, folder).group_table().set_index("key")
    profile = compute(suspects.SuspectProfile, folder)
    summary, table = profile.summary(), profile.profile_table().set_index(["field", "category"])
    groups = profile.group_table().set_index("key")
    analysis = compute(outcomes.Outcomes, folder)
    rates = analysis.rate_table().set_index("abuse_type")
    reasons = analysis.reasons().set_index("reason")
    mix = analysis.positive_mix().set_index("category")
    return {
        "outcomes.positive_rate_2024": rates.loc["all_vawg", "rate"],
        "outcomes.london_positive_rate_2024": rates.loc["all_vawg", "london_rate"],
        "outcomes.positive_rate_rank_2024": analysis.rank()[0],
        "outcomes.no_positive_2024": reasons["total"].iloc[0],
        "outcomes.withdrew_share_2024": reasons.loc[outcomes.WITHDREW, "share"],
        "outcomes.no_suspect_share_2024": reasons.loc[outcomes.NO_SUSPECT, "share"],
        "outcomes.evidential_share_2024": reasons.loc[outcomes.EVIDENTIAL, "share"],
        "outcomes.charged_share_of_positive_2024": mix.loc["Charged/summonsed", "share"],
        "outcomes.withdrew_share_of_dva_negative_2024":
            analysis.reasons_by_type().set_index("abuse_type").loc["dva", "share_withdrew"],
        "relationship.known_share_2024": relationship.loc["all", "known_share"],
        "relationship.vap_known_share_2024": relationship.loc["violence_against_the_person", "known_share"],
        "relationship.public_order_not_known_share_2024": relationship.loc["public_order_offences", "not_known_share"],
        "relationship.sexual_not_known_share_2024": relationship.loc["sexual_offences", "not_known_share"],
        "suspects.count_2024": summary["suspects"],
        "suspects.proxy_offences_2024": summary["offences"],
        "suspects.proxy_with_several_2024": summary["several"],
        "suspects.male_rate_2024": summary["male_rate"],
        "suspects.female_share_2024": table.loc[("suspect_sex", "Female"), "share"],
        "suspects.ethnicity_not_recorded_share_2024": table.loc[("suspect_self_defined_ethnicity", "Not recorded"),
                                                                "share"],
        "suspects.public_order_female_share_2024": groups.loc["public_order_offences", "female_share"],
    }


@pytest.mark.slow
def test_the_analysis_reproduces_the_seed_figures_from_the_default_data(full_scale_staged):
    targets = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")
    misses = []
    for target, value in analysed_targets(full_scale_staged).items():
        row = targets.loc[target]
        if abs(value - row["value"]) > row["tolerance"] + 1e-9:
            misses.append(f"{target}: {value:.3f}, seed {row['value']} ± {row['tolerance']}")
    assert not misses, "\n".join(misses)
