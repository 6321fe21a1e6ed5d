"""Incremental builds: a notebook reruns exactly when something it reads changed, and a reused result is the
same as a rerun one. Tiny notebooks stand in for the report's, run by the build's own notebook step."""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from vawg.running import build as build_module
from vawg.running.buildcache import ResultCache
from vawg.running.notebooks import report_notebooks
from vawg.foundations.parameters import parse_parameters
from vawg.foundations.paths import EditionPaths, project_root
from vawg.foundations.errors import NotebookError
from vawg.foundations.sections import EARLIER, SECTIONS, Section

PARAMETERS = ('period_end = "2024-12-31"\nborough = "Camden"\ncomparator = "London"\nsuppression_threshold = 7\n'
              'staged_dir = ""\nartifacts_dir = ""\nreference_dir = ""')
READS_TABLE = """
import pandas as pd
from vawg.writing.artifacts import ArtifactWriter
artifacts = ArtifactWriter(artifacts_dir, {threshold})
total = int(pd.read_parquet(f"{{staged_dir}}/{table}.parquet")["n"].sum())
artifacts.values({{"{name}.total": (total, "count", 0), "{name}.threshold": ({threshold}, "number", 0)}})
artifacts.partial("{name}-text", f"{name} counted {{total}}.")
print(borough)
"""
SUMS = """
from vawg.writing.artifacts import ArtifactWriter, read_values
artifacts = ArtifactWriter(artifacts_dir, suppression_threshold)
values = read_values(artifacts_dir)
artifacts.value("summary.total", values["a.total"]["value"] + values["b.total"]["value"], "count")
"""
REGISTRY = (
    Section("a.ipynb", staged=("t1",), parameters=("borough",)),
    Section("b.ipynb", staged=("t2",), parameters=("borough", "suppression_threshold")),
    Section("summary.ipynb", parameters=("suppression_threshold",), needs=(EARLIER,), reads=("values.json",)),
)


def notebook(path: Path, code: str) -> Path:
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(code)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                                   "display_name": "Python 3"}}),
                   str(path))
    return path


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A project of three notebooks (two read one staged table each, the third sums their values) and a runner
    that builds their artifacts as the build does, from a fresh scratch folder each time."""
    shutil.copytree(project_root() / "data" / "reference", tmp_path / "data" / "reference")  # the borough list
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebooks = [notebook(folder / "a.ipynb", READS_TABLE.format(table="t1", name="a", threshold=7)),
                 notebook(folder / "b.ipynb", READS_TABLE.format(table="t2", name="b", threshold="suppression_threshold")),
                 notebook(folder / "summary.ipynb", SUMS)]
    staged = tmp_path / "staged"
    staged.mkdir()
    table(staged, "t1", [10, 20])
    table(staged, "t2", [30, 40])
    cache = ResultCache(tmp_path / "cache")

    def run(jobs: int = 1, force: bool = False, **parameters) -> tuple[dict[str, str], dict[str, str]]:
        paths = EditionPaths(tmp_path / "scratch")
        shutil.rmtree(paths.root, ignore_errors=True)
        shutil.copytree(staged, paths.staged)
        paths.artifacts.mkdir(parents=True)
        params = parse_parameters(data_dir=tmp_path, **parameters)
        outcomes = build_module.run_notebooks(notebooks, paths, params, cache, jobs=jobs, force=force,
                                              registry=REGISTRY)
        published = {str(p.relative_to(paths.artifacts)): hashlib.sha256(p.read_bytes()).hexdigest()
                     for p in sorted(paths.artifacts.rglob("*")) if p.is_file()}
        return {name: outcome.split(" ")[0] for name, outcome in outcomes.items()}, published

    run.staged, run.cache, run.notebooks = staged, cache, notebooks
    return run


def table(folder: Path, name: str, counts: list[int]) -> None:
    pd.DataFrame({"n": counts}).to_parquet(folder / f"{name}.parquet", index=False)


def values(fake) -> dict:
    return json.loads((Path(fake.staged.parent) / "scratch" / "artifacts" / "values.json").read_text())


def test_a_changed_staged_table_reruns_the_notebooks_that_read_it_and_the_same_inputs_give_the_same_files(fake):
    first, cold = fake()
    assert first == {"a": "reran", "b": "reran", "summary": "reran"}
    again, reused = fake()
    assert again == {"a": "reused", "b": "reused", "summary": "reused"}
    assert reused == cold

    table(fake.staged, "t1", [10, 21])
    changed, incremental = fake()
    assert changed == {"a": "reran", "b": "reused", "summary": "reran"}
    assert values(fake)["summary.total"]["value"] == 101
    _, rebuilt = fake(force=True)
    assert rebuilt == incremental  # byte for byte, whether reused or rerun


def test_a_changed_notebook_reruns_itself_and_what_reads_it(fake):
    fake()
    source = fake.notebooks[1].read_text().replace("counted", "found")
    fake.notebooks[1].write_text(source)
    outcomes, _ = fake()
    # b's sentence changed, not its values, and the summary reads only values
    assert outcomes == {"a": "reused", "b": "reran", "summary": "reused"}
    assert (fake.staged.parent / "scratch" / "artifacts" / "partials" / "b-text.qmd").read_text().strip() == "b found 70."
    changed = source.replace('(suppression_threshold, \\"number\\", 0)', '(suppression_threshold + 1, \\"number\\", 0)')
    assert changed != source
    fake.notebooks[1].write_text(changed)  # now b's values change too
    outcomes, _ = fake()
    assert outcomes == {"a": "reused", "b": "reran", "summary": "reran"}


def test_a_changed_parameter_reruns_the_notebooks_that_use_it(fake):
    fake()
    outcomes, _ = fake(suppression_threshold=10)
    assert outcomes == {"a": "reused", "b": "reran", "summary": "reran"}
    # Both print the borough, but their results do not change: what reads them is reused.
    outcomes, _ = fake(suppression_threshold=10, borough="Hackney")
    assert outcomes == {"a": "reran", "b": "reran", "summary": "reused"}


def test_a_damaged_cache_entry_is_rerun_not_published(fake):
    _, cold = fake()
    entry = next((fake.cache.root / "a").glob("*/files/artifacts/values.json"))
    entry.write_text(entry.read_text().replace("30", "31"))
    outcomes, published = fake()
    assert outcomes == {"a": "reran", "b": "reused", "summary": "reused"}
    assert published == cold
    assert values(fake)["a.total"]["text"] == "30"


def test_notebooks_run_in_parallel_give_the_files_a_sequential_run_gives(fake):
    outcomes, parallel = fake(jobs=2)
    assert set(outcomes.values()) == {"reran"}
    _, sequential = fake(jobs=1, force=True)
    assert parallel == sequential


# -- the registry -----------------------------------------------------------------------------------

def test_every_report_notebook_is_declared_once_in_the_registry():
    on_disk = sorted(path.name for path in (project_root() / "notebooks").glob("*.ipynb"))
    declared = [section.notebook for section in SECTIONS]
    assert sorted(declared) == on_disk
    assert len(set(declared)) == len(declared)
    assert all(path.is_file() for path in report_notebooks())


def test_each_notebook_uses_only_the_parameters_its_section_declares():
    injected = set(parse_parameters(data_dir=project_root()).notebook_parameters(staged_dir=Path(),
                                                                                  artifacts_dir=Path()))
    for section in SECTIONS:
        cells = nbformat.read(str(project_root() / "notebooks" / section.notebook), as_version=4).cells
        code = "\n".join(cell.source for cell in cells if cell.cell_type == "code"
                         and "parameters" not in cell.metadata.get("tags", []))
        used = {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)} & injected
        used -= {"staged_dir", "artifacts_dir"}  # locations, not inputs: their content is fingerprinted
        assert used <= set(section.parameters), f"{section.notebook} uses {sorted(used - set(section.parameters))}"


# -- one whole build, reused ------------------------------------------------------------------------

def test_an_incremental_build_of_the_same_inputs_publishes_the_same_files_as_the_cold_build(built_edition, small_extract,
                                                                                            tmp_path):
    from vawg.running.build import build

    build_dir = tmp_path / "build"
    shutil.copytree(built_edition.root.parent, build_dir)  # the cold build and its cache
    steps: list[str] = []
    again = build(parse_parameters(data_dir=small_extract), build_dir=build_dir, progress=steps.append)
    assert "Staging: reused (extracts unchanged)" in steps
    notebook_steps = [step for step in steps if step.startswith("Notebook ")]
    assert len(notebook_steps) == len(SECTIONS) and all(step.endswith("reused (unchanged)") for step in notebook_steps)
    # Nothing changed, so nothing is rendered or audited again.
    assert "Rendering html, pdf, docx: reused (book unchanged)" in steps
    assert "Auditing the published files for disclosure: reused (nothing published changed)" in steps
    assert again.audit == built_edition.audit

    def files(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(again.root / "artifacts") == files(built_edition.root / "artifacts")
    assert files(again.outputs["html"].parent) == files(built_edition.outputs["html"].parent)
    for fmt in ("pdf", "docx"):
        assert again.outputs[fmt].read_bytes() == built_edition.outputs[fmt].read_bytes()


# -- hashing each input once ---------------------------------------------------------------------------

def test_a_file_is_read_again_only_when_it_changed(tmp_path, monkeypatch):
    import os
    import time

    from vawg.foundations import digests

    reads = []
    real = digests._read_digest
    monkeypatch.setattr(digests, "_read_digest", lambda path: reads.append(Path(path).name) or real(path))
    monkeypatch.setattr(digests.DigestMemo, "RACY", 0.5)
    extract = tmp_path / "offences.csv"
    extract.write_text("a,b\n1,2\n")
    old = time.time() - 60
    os.utime(extract, (old, old))
    time.sleep(0.6)  # the change time is set by the write; the memo trusts it once it is settled
    memo_file = tmp_path / "cache" / "digests.json"

    def digest_in_a_new_build(path: Path) -> str:
        with digests.remembered_digests(memo_file):
            return digests.file_digest(path)

    first = digest_in_a_new_build(extract)
    assert digest_in_a_new_build(extract) == first
    assert reads == ["offences.csv"], "an unchanged file was read again"

    extract.write_text("a,b\n1,3\n")  # same size, and the modification time put back as before
    os.utime(extract, (old, old))
    changed = digest_in_a_new_build(extract)
    assert changed == hashlib.sha256(b"a,b\n1,3\n").hexdigest() != first

    copy = tmp_path / "copy.csv"
    shutil.copy2(extract, copy)  # keeps the modification time: the change time still tells it is new
    assert digest_in_a_new_build(copy) == changed
    assert reads == ["offences.csv", "offences.csv", "copy.csv"]
    # Read within RACY seconds of its last change, so not remembered: read again next time.
    digest_in_a_new_build(copy)
    assert reads[-1] == "copy.csv" and len(reads) == 4


def test_a_notebook_that_reads_a_staged_table_it_does_not_declare_stops_the_build(fake):
    # Its cache key would leave out t2, so a changed t2 would be reused stale: refused when it first runs.
    reads_both = ("from vawg.writing.artifacts import ArtifactWriter\nfrom vawg.writing.supply import read_staged\n"
                  "artifacts = ArtifactWriter(artifacts_dir, 7)\n"
                  "total = int(read_staged(staged_dir, 't1')['n'].sum() + read_staged(staged_dir, 't2')['n'].sum())\n"
                  "artifacts.value('a.total', total, 'count')\n")
    notebook(fake.notebooks[0], reads_both)
    with pytest.raises(NotebookError, match=r"a\.ipynb read the staged table t2, which its entry .* does not declare"):
        fake()
