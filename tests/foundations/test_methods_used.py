"""The record of what a run used (vawg.foundations.methods_used), which Appendix 6a, 6d and 6e print."""

from __future__ import annotations

import json
import shutil

import nbformat
import pandas as pd
import pytest

from vawg.running import build as build_module
from vawg.foundations import methods_used
from vawg.writing.artifacts import ArtifactWriter, read_values
from vawg.running.buildcache import ResultCache
from vawg.foundations.errors import DataError, NotebookError
from vawg.foundations.parameters import parse_parameters
from vawg.foundations.paths import EditionPaths, project_root
from vawg.foundations.sections import EARLIER, METHODS_APPENDIX, Section


@pytest.fixture(autouse=True)
def fresh():
    methods_used.reset()
    yield
    methods_used.reset()


def test_records_made_before_and_after_the_writer_reach_its_methods_json(tmp_path):
    methods_used.record("source", "police_offences")  # e.g. a table read before the writer was made
    ArtifactWriter(tmp_path, 7)
    methods_used.record("test", "wilson_interval")
    methods_used.record("test", "wilson_interval")  # twice: one record
    assert methods_used.read(tmp_path) == {"source": {"police_offences"}, "metric": set(), "test": {"wilson_interval"}}
    assert set(json.loads((tmp_path / methods_used.LEDGER).read_text())) == {"source.police_offences",
                                                                            "test.wilson_interval"}


def test_a_decorated_function_records_each_of_its_methods_when_called(tmp_path):
    @methods_used.uses(test="byar_interval", metric=("vawg_rate", "rate_confidence_interval"))
    def rate(count: int) -> int:
        return count * 2

    assert rate.registers == (("test", "byar_interval"), ("metric", "vawg_rate"), ("metric", "rate_confidence_interval"))
    ArtifactWriter(tmp_path, 7)
    assert methods_used.read(tmp_path)["test"] == set()  # not called yet: not used
    assert rate(2) == 4 and rate.__name__ == "rate"
    assert methods_used.read(tmp_path) == {"source": set(), "metric": {"vawg_rate", "rate_confidence_interval"},
                                           "test": {"byar_interval"}}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="method kind 'tests'"):
        methods_used.record("tests", "x")
    with pytest.raises(ValueError, match="method kind 'method'"):
        methods_used.uses(method="x")


def test_the_builds_own_writers_record_nothing(tmp_path):
    ArtifactWriter(tmp_path, 7, record_methods=False)
    methods_used.record("test", "fisher_exact")
    assert not (tmp_path / methods_used.LEDGER).exists()


def test_a_writer_whose_folder_is_gone_is_let_go(tmp_path):
    folder = tmp_path / "gone"
    ArtifactWriter(folder, 7)
    shutil.rmtree(folder)
    methods_used.record("test", "fisher_exact")
    assert not folder.exists()  # not recreated
    assert methods_used.recorded()["test"] == {"fisher_exact"}


def test_merging_notebooks_unites_their_records(tmp_path):
    for name, test in (("a", "fisher_exact"), ("b", "odds_ratio")):
        methods_used.reset()
        ArtifactWriter(tmp_path / name, 7)
        methods_used.record("test", test)
    edition = ArtifactWriter(tmp_path / "edition", 7, record_methods=False)
    edition.merge(tmp_path / "a")
    edition.merge(tmp_path / "b")
    assert methods_used.read(tmp_path / "edition")["test"] == {"fisher_exact", "odds_ratio"}


def test_an_uncatalogued_record_is_named_with_its_catalogue():
    methods_used.check_catalogued("test", {"a"}, {"a", "b"})
    with pytest.raises(DataError, match=r"statistical_tests.csv: .*: c, d; add a row"):
        methods_used.check_catalogued("test", {"a", "c", "d"}, {"a", "b"})


def test_records_first_made_after_the_appendix_are_found():
    results = {"a": {"test": {"x"}}, "appendix": {"test": set()}, "later": {"test": {"x", "y"}, "source": {"s"}}}
    assert methods_used.recorded_after(results, ["a", "appendix", "later"], "appendix") == \
        {"later": ["source.s", "test.y"]}
    assert methods_used.recorded_after(results, ["a", "later"], "appendix") == {}  # no appendix (a deep dive)


# -- through the build's notebook runner, cache included -----------------------------------------------

PARAMETERS = ('period_end = "2024-12-31"\nborough = "Camden"\ncomparator = "London"\nsuppression_threshold = 7\n'
              'staged_dir = ""\nartifacts_dir = ""\nreference_dir = ""')
USES = """
from vawg.foundations import methods_used
from vawg.writing.artifacts import ArtifactWriter
artifacts = ArtifactWriter(artifacts_dir, suppression_threshold)
methods_used.record("test", {tests})
artifacts.value("{name}.done", 1, "number")
"""
LISTS = """
from vawg.foundations import methods_used
from vawg.writing.artifacts import ArtifactWriter
artifacts = ArtifactWriter(artifacts_dir, suppression_threshold)
artifacts.value("appendix.tests", ", ".join(sorted(methods_used.read(artifacts_dir)["test"])), "text")
"""


def _notebook(path, code):
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(code)]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # the same notebook on every run, so the cache can reuse it
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                                   "display_name": "Python 3"}}),
                   str(path))
    return path


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """Two analysis notebooks recording tests, the methods appendix listing them and one notebook after it."""
    shutil.copytree(project_root() / "data" / "reference", tmp_path / "data" / "reference")
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    appendix = f"{METHODS_APPENDIX}.ipynb"
    registry = (Section("a.ipynb", parameters=("suppression_threshold",)),
                Section("b.ipynb", parameters=("suppression_threshold",)),
                Section(appendix, parameters=("suppression_threshold",), needs=(EARLIER,), reads=("methods.json",)),
                Section("late.ipynb", parameters=("suppression_threshold",)))
    staged = tmp_path / "staged"
    staged.mkdir()
    pd.DataFrame({"n": [1]}).to_parquet(staged / "t.parquet")
    cache = ResultCache(tmp_path / "cache")

    def run(a: str = '"fisher_exact"', late: str = '"fisher_exact"') -> tuple[dict[str, str], dict]:
        notebooks = [_notebook(folder / "a.ipynb", USES.format(tests=a, name="a")),
                     _notebook(folder / "b.ipynb", USES.format(tests='"odds_ratio"', name="b")),
                     _notebook(folder / appendix, LISTS),
                     _notebook(folder / "late.ipynb", USES.format(tests=late, name="late"))]
        paths = EditionPaths(tmp_path / "scratch")
        shutil.rmtree(paths.root, ignore_errors=True)
        shutil.copytree(staged, paths.staged)
        paths.artifacts.mkdir(parents=True)
        outcomes = build_module.run_notebooks(notebooks, paths, parse_parameters(data_dir=tmp_path), cache,
                                              registry=registry)
        return {name: outcome.split(" ")[0] for name, outcome in outcomes.items()}, read_values(paths.artifacts)

    return run


def test_the_appendix_notebook_sees_every_earlier_notebooks_records_reused_or_rerun(runner):
    first, values = runner()
    assert values["appendix.tests"]["text"] == "fisher_exact, odds_ratio"
    again, values = runner()
    assert set(again.values()) == {"reused"}
    assert values["appendix.tests"]["text"] == "fisher_exact, odds_ratio"
    # One notebook now runs another test: it reruns, and so does the appendix, which lists it; b is reused.
    changed, values = runner(a='"fisher_exact", "chi_square_gof"')
    assert (changed["a"], changed["b"], changed[METHODS_APPENDIX]) == ("reran", "reused", "reran")
    assert values["appendix.tests"]["text"] == "chi_square_gof, fisher_exact, odds_ratio"


def test_a_notebook_after_the_appendix_may_not_use_a_method_it_did_not_list(runner):
    runner()  # the late notebook only uses a test the appendix already lists
    with pytest.raises(NotebookError, match=r"late.ipynb used test.forecast after 90-appendix-methods.ipynb"):
        runner(late='"forecast"')
