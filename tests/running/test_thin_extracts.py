"""Every section run on extracts as thin as validation allows: it either publishes or stops with a data error.

The extracts are the synthetic set at 0.3% of London's scale, starting three whole years before the report year
(the least the police extract may hold): months with a handful of offences, services with a few referrals. Each
notebook's cells run in this process in the build's order (a kernel per notebook would add minutes and test
nothing more), with the parameters the build injects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest

from vawg.writing import supply
from vawg.writing.artifacts import ArtifactWriter
from vawg.foundations.errors import DataError
from vawg.running.notebooks import report_notebooks
from vawg.foundations.parameters import parse_parameters
from vawg.intake.staging import HISTORY_YEARS, validate_and_stage

pytestmark = pytest.mark.build  # runs every notebook: not in the fast tier
PERIOD_END = dt.date(2024, 12, 31)
THIN_SCALE = 0.003


class Skipped(Exception):
    """The section's extract is absent: the notebook stops, as ``skip_unless_supplied`` makes it in a kernel."""


def thin_extract(folder: Path, start_year: int) -> Path:
    from vawg.running.synth import generate

    generate(folder, scale=THIN_SCALE, start_year=start_year, period_end=PERIOD_END)
    return folder


def run_in_process(notebook: Path, parameters: dict) -> None:
    namespace: dict = {"display": lambda *args, **kwargs: None}
    for number, cell in enumerate(nbformat.read(str(notebook), as_version=4).cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        exec(compile(source, f"{notebook.name}, cell {number}", "exec"), namespace)  # noqa: S102 (our notebooks)
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(parameters)


@pytest.fixture(scope="module")
def thin_outcomes(tmp_path_factory) -> dict[str, str | Exception]:
    import matplotlib

    from vawg.running.build import _edition_values

    matplotlib.use("Agg")
    root = tmp_path_factory.mktemp("thin")
    raw = thin_extract(root / "raw", PERIOD_END.year - HISTORY_YEARS)
    validate_and_stage(raw, root / "staged", period_end=PERIOD_END, borough="Camden")
    params = parse_parameters(data_dir=raw)
    (root / "artifacts").mkdir()
    _edition_values(ArtifactWriter(root / "artifacts", params.suppression_threshold), params)
    injected = params.notebook_parameters(staged_dir=root / "staged", artifacts_dir=root / "artifacts")
    real_skip = supply.skip_unless_supplied

    def skip(*args, **kwargs) -> bool:
        if not real_skip(*args, **kwargs):
            raise Skipped
        return True

    outcomes: dict[str, str | Exception] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(supply, "skip_unless_supplied", skip)
        for notebook in report_notebooks():
            try:
                run_in_process(notebook, injected)
                outcomes[notebook.name] = "published"
            except Skipped:
                outcomes[notebook.name] = "not supplied"
            except Exception as error:  # judged by the test: a data error passes, anything else fails
                outcomes[notebook.name] = error
    return outcomes


@pytest.mark.parametrize("notebook", [path.name for path in report_notebooks()])
def test_each_section_publishes_or_names_the_thin_extract(thin_outcomes, notebook):
    outcome = thin_outcomes[notebook]
    if isinstance(outcome, DataError):
        assert "/" in str(outcome) or "extract" in str(outcome), f"{notebook}: the data error names no extract: {outcome}"
        return
    if isinstance(outcome, Exception):
        raise AssertionError(f"{notebook} failed on a thin extract with {type(outcome).__name__}: {outcome}") \
            from outcome
    assert outcome in ("published", "not supplied")

