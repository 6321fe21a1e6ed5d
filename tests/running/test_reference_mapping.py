"""A flag mapping is data: changing it in data/reference/ changes the next build's rates and Appendix 6c."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import copy_project
from vawg.running.build import build
from vawg.foundations.parameters import parse_parameters

MOVED = "Harassment"  # a VAWG offence name that sets stalking and harassment


def published(edition, artifact: str) -> pd.DataFrame:
    return pd.read_csv(edition.root / "artifacts" / "data" / f"{artifact}.csv", dtype=str)


def stalking_row(table: pd.DataFrame) -> pd.Series:
    return table[table.iloc[:, 0] == "Stalking and harassment"].iloc[0]


def test_dropping_one_offence_from_a_flag_changes_the_rate_and_appendix_6c(built_edition, small_extract, tmp_path):
    project = copy_project(tmp_path / "project")
    mapping_file = project / "data" / "reference" / "abuse_type_offences.csv"
    mapping = pd.read_csv(mapping_file)
    dropped = (mapping["abuse_type"] == "stalking_harassment") & (mapping["vawg_offence_name"] == MOVED)
    assert dropped.sum() == 1
    mapping[~dropped].to_csv(mapping_file, index=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAWG_PROJECT", str(project))
        changed = build(parse_parameters(data_dir=small_extract, formats="html"), build_dir=tmp_path / "build")

    before, after = (stalking_row(published(e, "tbl-abuse-type-rates")) for e in (built_edition, changed))
    assert float(after.iloc[1]) < float(before.iloc[1])  # fewer offences count as stalking and harassment

    flags_before, flags_after = (stalking_row(published(e, "tbl-vawg-flags")).iloc[1] for e in (built_edition, changed))
    assert MOVED in flags_before.split("; ")
    assert MOVED not in flags_after.split("; ")
    appendix = next(changed.outputs["html"].parent.rglob("a6-quantitative-methods.html")).read_text(encoding="utf-8")
    assert "Pursue course of conduct" in appendix
