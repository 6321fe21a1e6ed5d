"""The default (full-scale) synthetic data reproduce the reference edition's police figures.

Targets, tolerances and where the seed states each live in data/calibration/targets.csv.
"""

import pandas as pd
import pytest

from vawg.paths import project_root
from vawg.police.recorded_offences import RecordedOffences
from vawg.staging import validate_and_stage

TARGETS = pd.read_csv(project_root() / "data" / "calibration" / "targets.csv").set_index("target")

# Seed Table 2: which rows are significant at p < 0.05.
SIGNIFICANT = {"all_vawg", "dva", "sexual_violence", "stalking_harassment", "physical_sexual", "violent_threatening"}


@pytest.fixture(scope="module")
def default_analysis(tmp_path_factory):
    from vawg.synth import generate
    import datetime as dt

    raw = tmp_path_factory.mktemp("raw-full")
    generate(raw)
    staged = tmp_path_factory.mktemp("staged-full")
    validate_and_stage(raw, staged, period_end=dt.date(2024, 12, 31))
    return RecordedOffences.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)


def computed_targets(analysis: RecordedOffences) -> dict[str, float]:
    table = analysis.abuse_type_comparison().set_index("abuse_type")
    values = {}
    for abuse_type, row in table.iterrows():
        values[f"table2.{abuse_type}.borough_rate"] = row["borough_rate"]
        values[f"table2.{abuse_type}.rest_rate"] = row["rest_rate"]
        values[f"table2.{abuse_type}.london_rate"] = row["london_rate"]
        values[f"table2.{abuse_type}.z"] = row["z"]
    share = analysis.share_of_crime().set_index(["year", "area"])["share"]
    values.update({
        "offences.borough_vawg_2024": analysis.count("all_vawg", 2024),
        "offences.rank_2024": analysis.rank(2024)[0],
        "offences.rank_2020": analysis.rank(2020)[0],
        "offences.rank_2023": analysis.rank(2023)[0],
        "offences.borough_mean_rate_2024": analysis.borough_rates("all_vawg", 2024).mean(),
        "offences.change_2020_2023": (analysis.rate("all_vawg", 2023) / analysis.rate("all_vawg", 2020) - 1) * 100,
        "offences.london_change_2020_2023": (analysis.rate("all_vawg", 2023, area="london")
                                             / analysis.rate("all_vawg", 2020, area="london") - 1) * 100,
        "offences.share_of_crime_2024": share[(2024, "Camden")],
        "offences.share_of_crime_2020": share[(2020, "Camden")],
        "offences.share_of_crime_2023": share[(2023, "Camden")],
    })
    return values


@pytest.mark.slow
def test_default_build_reproduces_every_calibration_target(default_analysis):
    computed = computed_targets(default_analysis)
    misses = []
    for target, row in TARGETS.iterrows():
        value = computed[target]
        if abs(value - row["value"]) > row["tolerance"] + 1e-9:
            misses.append(f"{target}: {value:.3f}, seed {row['value']} ± {row['tolerance']} ({row['where_the_seed_states_it']})")
    assert not misses, "\n".join(misses)


@pytest.mark.slow
def test_default_build_has_the_seed_significance_in_every_table2_row(default_analysis):
    table = default_analysis.abuse_type_comparison().set_index("abuse_type")
    assert set(table.index[table["significant"]]) == SIGNIFICANT
