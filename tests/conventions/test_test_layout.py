"""The tests mirror the package (issue 19, item 7): a module's tests are where its source is.

``tests/analysis/police/test_offences.py`` tests ``src/vawg/analysis/police/offences.py``. A file that tests a
whole build or several modules sits in the folder of its entry point (whole builds: ``tests/running/``) and is
listed in ``EXCEPTIONS`` with what it tests. Project-wide checks of no module are in ``tests/conventions/``;
``conftest.py``, ``by_hand.py`` and ``fixtures/`` stay at the top of ``tests/``, shared by every folder.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from conftest import TESTS

import vawg

PACKAGE = Path(vawg.__file__).parent
CONVENTIONS = Path("conventions")
SHARED = Path("fixtures")

# Test files named for no single module: the file (from tests/) and what it tests instead.
EXCEPTIONS = {
    "foundations/stats/test_comparisons_and_changes.py": "stats.comparisons and stats.changes, on hand-checkable cases",
    "foundations/stats/test_intervals_charts_forecasts.py": "stats.intervals, funnels, control_charts, changes and "
                                                            "forecasting against hand-checkable cases",
    "writing/test_chart_fit.py": "charts saved through writing.artifacts keep their text on the canvas",
    "analysis/demand/test_adults_vs_navigators.py": "adult_safeguarding, victim_support and da_navigators",
    "analysis/police/test_police_people.py": "police.relationships, suspects and outcomes",
    "analysis/police/test_police_sections.py": "police.monthly, abuse_types, crime_mix and forecast",
    "publishing/test_disclosure.py": "publishing.audit and the foundations.suppression rules it checks",
    "publishing/test_site_charts.py": "the site's charts: writing.charts, render.html's layout and check's page weight",
    "publishing/render/test_citations.py": "analysis.context's citations and render.pandoc's reference list",
    "running/test_backtest.py": "a whole build against its stored numbers",
    "running/test_calibration.py": "full-scale synthetic data against the reference edition's figures",
    "running/test_cards_outputs.py": "service cards in the three outputs of a whole build",
    "running/test_incremental.py": "the build's reruns (build, buildcache and notebooks)",
    "running/test_intervals_published.py": "intervals as a whole build publishes them",
    "running/test_open_data.py": "the shipped open data through staging and a whole build",
    "running/test_reference_mapping.py": "reference data changing a whole build",
    "running/test_small_numbers.py": "small counts in everything a whole build publishes",
    "running/test_thin_extracts.py": "every report notebook on thin extracts",
    "running/test_whole_report.py": "every part of a whole build, in order",
}


def layout_faults(tests: Path, package: Path, exceptions: dict[str, str]) -> list[str]:
    """What is out of place among the test files under ``tests``, mirroring the package folder ``package``."""
    faults = []
    by_name = defaultdict(list)
    for path in sorted({*tests.rglob("test_*.py"), *tests.rglob("*_test.py")}):
        relative = path.relative_to(tests)
        folder = relative.parent
        if SHARED in relative.parents:
            continue
        by_name[path.name].append(relative.as_posix())
        if folder == CONVENTIONS:
            continue
        source = package / folder
        if folder == Path("."):
            faults.append(f"{relative}: at the top of tests/; move it to the folder mirroring its module's")
        elif not (source / "__init__.py").is_file():
            faults.append(f"{relative}: no package src/vawg/{folder.as_posix()} for its folder to mirror")
        elif relative.as_posix() not in exceptions:
            name = path.stem.removeprefix("test_").removesuffix("_test")
            if not ((source / f"{name}.py").is_file() or (source / name / "__init__.py").is_file()):
                faults.append(f"{relative}: no module or package {name} in src/vawg/{folder.as_posix()}; name it "
                              "after the module it tests, or list it in EXCEPTIONS with what it tests")
    faults += [f"{name}: the name of {len(paths)} test files ({', '.join(paths)})"
               for name, paths in by_name.items() if len(paths) > 1]
    faults += [f"{listed}: listed in EXCEPTIONS but not a test file" for listed in exceptions
               if not (tests / listed).is_file()]
    return faults


def test_every_test_file_mirrors_the_module_it_tests():
    assert layout_faults(TESTS, PACKAGE, EXCEPTIONS) == []


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("", encoding="utf-8")


def test_a_misplaced_misnamed_or_twice_named_test_file_is_found(tmp_path):
    package, tests = tmp_path / "src" / "vawg", tmp_path / "tests"
    _tree(package, ["__init__.py", "analysis/__init__.py", "analysis/police/__init__.py",
                    "analysis/police/offences.py", "analysis/services/__init__.py"])
    placed = ["analysis/police/test_offences.py", "analysis/test_services.py", "conventions/test_lint.py",
              "analysis/police/test_whole_chapter.py", "fixtures/book/test_fixture.py"]
    _tree(tests, placed)
    exceptions = {"analysis/police/test_whole_chapter.py": "several police sections"}
    assert layout_faults(tests, package, exceptions) == []

    _tree(tests, ["test_loose.py", "analysis/demand/test_housing.py", "analysis/police/test_housing.py",
                  "analysis/police/sub/test_offences.py"])
    faults = layout_faults(tests, package, {**exceptions, "running/test_gone.py": "a file since removed"})
    assert faults == [
        "analysis/demand/test_housing.py: no package src/vawg/analysis/demand for its folder to mirror",
        "analysis/police/sub/test_offences.py: no package src/vawg/analysis/police/sub for its folder to mirror",
        "analysis/police/test_housing.py: no module or package housing in src/vawg/analysis/police; name it after "
        "the module it tests, or list it in EXCEPTIONS with what it tests",
        "test_loose.py: at the top of tests/; move it to the folder mirroring its module's",
        "test_housing.py: the name of 2 test files (analysis/demand/test_housing.py, analysis/police/test_housing.py)",
        "test_offences.py: the name of 2 test files (analysis/police/sub/test_offences.py, "
        "analysis/police/test_offences.py)",
        "running/test_gone.py: listed in EXCEPTIONS but not a test file",
    ]
