"""The whole chain, data → notebooks → HTML, PDF and Word, on a small synthetic extract.

Outputs are opened and inspected the way a reader's tools would: HTML parsed,
the PDF's text and structure read, the Word document read.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pikepdf
import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader
from conftest import FIXTURES

from vawg.running.build import build
from vawg.foundations.errors import NotebookError
from vawg.foundations.parameters import parse_parameters

FIGURES = ("fig-vawg-share-of-crime", "fig-vawg-rate-trend", "fig-abuse-type-rates")
BROKEN = FIXTURES / "notebooks" / "broken.ipynb"


def table2_overall_rate(edition) -> str:
    table = pd.read_csv(edition.root / "artifacts" / "data" / "tbl-abuse-type-rates.csv", dtype=str)
    return table.iloc[0, 1]


def html_pages(edition) -> dict[str, BeautifulSoup]:
    site = edition.outputs["html"].parent
    return {page.name: BeautifulSoup(page.read_text(encoding="utf-8"), "lxml") for page in site.rglob("*.html")}


def test_build_produces_the_three_outputs(built_edition):
    assert built_edition.outputs["html"].name == "index.html"
    for fmt in ("html", "pdf", "docx"):
        assert built_edition.outputs[fmt].is_file(), fmt


def test_html_has_every_figure_with_alt_text_and_caption_and_table_2_with_its_numbers(built_edition):
    pages = html_pages(built_edition)
    figures = {}
    for soup in pages.values():
        for figure in soup.find_all("figure"):
            image = figure.find("img")
            if image is not None:
                figures[figure.get("id") or image.get("id")] = figure
    for figure_id in FIGURES:
        figure = figures.get(figure_id)
        assert figure is not None, f"{figure_id} missing from the HTML"
        assert len(figure.find("img")["alt"]) > 40
        assert figure.find("figcaption").get_text().startswith("Figure ")
    tables = [t for soup in pages.values() for t in soup.find_all("table", id="tbl-abuse-type-rates")]
    assert len(tables) == 1, "Table 2 (rates by abuse type) missing from the HTML"
    table = tables[0]
    assert table.caption.get_text().startswith("Table ")
    assert all(th.get("scope") == "col" for th in table.find("thead").find_all("th"))
    assert table2_overall_rate(built_edition) in table.get_text()


def test_html_prose_quotes_computed_values_not_typed_ones(built_edition):
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text())
    text = " ".join(soup.get_text(" ") for soup in html_pages(built_edition).values())
    assert "{{<" not in text
    for key in ("offences.borough_rate", "offences.london_rate", "offences.rank", "offences.borough_vawg"):
        assert values[key]["text"] in text, key


def test_pdf_is_tagged_with_alt_text_and_contains_table_2(built_edition):
    path = built_edition.outputs["pdf"]
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo.get("/Title", "")) or pdf.open_metadata().get("dc:title")
        figures = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    figures.append(node)
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    for kid in kids:
                        walk(kid)
                elif isinstance(kids, pikepdf.Dictionary):
                    walk(kids)

        walk(pdf.Root.StructTreeRoot)
        assert len(figures) >= len(FIGURES)
        assert all(str(figure.get("/Alt", "")) for figure in figures)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert table2_overall_rate(built_edition) in text
    assert "Figure 3" in text and "Table 1" in text


def test_word_has_alt_text_on_every_image_and_table_2(built_edition):
    document = Document(built_edition.outputs["docx"])
    descriptions = [element.get("descr") for element in document.element.body.iter()
                    if element.tag.endswith("}docPr")]
    assert len(descriptions) >= len(FIGURES)
    assert all(description and len(description) > 40 for description in descriptions)
    tables = [t for t in document.tables if t.rows[0].cells[0].text.strip() == "Abuse type"
              and any("Overall" in row.cells[0].text for row in t.rows)]
    assert tables, "Table 2 missing from the Word document"
    assert table2_overall_rate(built_edition) in "".join(cell.text for cell in tables[0].rows[1].cells)
    assert document.core_properties.title


def test_no_record_level_data_is_published(built_edition):
    output = built_edition.root / "output"
    published = [p for p in output.rglob("*") if p.is_file()]
    assert not [p for p in published if p.suffix in (".parquet", ".ipynb")]
    for csv in output.rglob("*.csv"):
        assert "offence_id" not in csv.read_text()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vawg.running.cli", *args], capture_output=True, text=True, timeout=600)


def test_unknown_borough_stops_the_build_with_one_line(tmp_path):
    result = run_cli("build", "--borough", "Gotham", "--build-dir", str(tmp_path))
    assert result.returncode == 1
    assert "unknown borough 'Gotham'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_several_boroughs_or_all_build_one_edition_each_after_checking_every_name(tmp_path, monkeypatch, capsys):
    import vawg.running.build
    from vawg.running import many_editions
    from vawg.running.cli import main
    from vawg.foundations.reference import borough_names

    built, staged = [], []

    def fake_build(job):
        built.append(job.params.borough)
        result = vawg.running.build.BuildResult(job.params.edition, tmp_path / job.params.edition, {})
        return many_editions.EditionOutcome(job.params.borough, result, None, 0.0)

    monkeypatch.setattr(many_editions, "run_job", fake_build)
    monkeypatch.setattr(vawg.running.build, "stage_editions", lambda editions, *a, **k: staged.append(len(editions)))
    one_at_a_time = ["--editions-at-once", "1", "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--borough", "Camden, Hackney,Gotham", *one_at_a_time])
    assert stopped.value.code == 1 and built == [] and staged == []  # a bad name stops everything first
    assert "unknown borough 'Gotham'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--borough", "camden,Hackney", *one_at_a_time])
    assert stopped.value.code == 0 and built == ["Camden", "Hackney"] and staged == [2]
    assert "Built 2 of 2 editions" in capsys.readouterr().err
    built.clear()
    with pytest.raises(SystemExit):
        main(["build", "--borough", "all", *one_at_a_time])
    assert built == borough_names(police_only=True) and len(built) == 32


def test_several_editions_are_staged_from_one_validation_each_with_its_own_councils_extracts(small_extract,
                                                                                             tmp_path, monkeypatch):
    import vawg.running.build
    import vawg.intake.staging
    from vawg.running.buildcache import ResultCache

    validations = []
    real = vawg.intake.staging._validated
    monkeypatch.setattr(vawg.intake.staging, "_validated", lambda *a, **k: validations.append(1) or real(*a, **k))
    editions = [parse_parameters(borough=name, data_dir=small_extract) for name in ("Camden", "Hackney")]
    vawg.running.build.stage_editions(editions, tmp_path)
    assert len(validations) == 1
    staged = {}
    for params in editions:  # each edition's own staging step finds them ready
        cache = ResultCache(tmp_path / ".cache" / params.edition / "staged")
        lines = []
        vawg.running.build.stage(params, tmp_path / params.borough, cache, progress=lines.append)
        assert lines == ["Staging: reused (extracts unchanged)"]
        staged[params.borough] = {path.name for path in (tmp_path / params.borough).glob("*.parquet")}
    assert len(validations) == 1
    assert "csn_workflows.parquet" in staged["Camden"] and "csn_workflows.parquet" not in staged["Hackney"]
    assert staged["Camden"] - staged["Hackney"] and "police_offences.parquet" in staged["Hackney"]
    camden, hackney = (tmp_path / name / "police_offences.parquet" for name in ("Camden", "Hackney"))
    assert camden.read_bytes() == hackney.read_bytes()


def test_jobs_are_shared_between_the_editions_built_at_once(tmp_path):
    from vawg.running import many_editions

    editions = [parse_parameters(borough=name, data_dir=tmp_path) for name in ("Camden", "Hackney", "Islington")]
    jobs, at_once = many_editions.plan(editions, tmp_path, jobs=4)
    assert at_once == 3 and [job.jobs for job in jobs] == [1, 1, 1]
    jobs, at_once = many_editions.plan(editions, tmp_path, jobs=4, at_once=2)
    assert at_once == 2 and {job.jobs for job in jobs} == {2}


def test_editions_sent_to_a_dask_cluster_come_back_built(tmp_path):
    distributed = pytest.importorskip("distributed")
    from vawg.running import many_editions

    editions = [parse_parameters(borough=name, data_dir=tmp_path) for name in ("Camden", "Hackney")]
    jobs, _ = many_editions.plan(editions, tmp_path, jobs=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        outcomes = list(many_editions.build_on_cluster(jobs, cluster.scheduler_address, runner=_built_on_a_worker))
    assert sorted(o.borough for o in outcomes) == ["Camden", "Hackney"]
    assert all(o.error is None and o.result.startswith("worker") for o in outcomes)


def _built_on_a_worker(job):
    from distributed import get_worker

    from vawg.running.many_editions import EditionOutcome

    return EditionOutcome(job.params.borough, f"worker {get_worker().name}", None, 0.0)


def test_a_scheduler_that_does_not_answer_is_one_line(tmp_path):
    pytest.importorskip("distributed")
    from vawg.running import many_editions
    from vawg.foundations.errors import VawgError

    jobs, _ = many_editions.plan([parse_parameters(data_dir=tmp_path)], tmp_path, jobs=1)
    with pytest.raises(VawgError, match="no Dask scheduler answered"):
        list(many_editions.build_on_cluster(jobs, "tcp://127.0.0.1:9", timeout="1s"))


def test_malformed_date_stops_the_build_naming_file_row_and_column(extract_copy, tmp_path):
    folder = extract_copy / "police_offences"
    parquet = next(folder.glob("*.parquet"))
    offences = pd.read_parquet(parquet)
    offences["recorded_date"] = offences["recorded_date"].astype(str)
    offences.loc[41, "recorded_date"] = "31/02/2024"
    parquet.unlink()
    offences.to_csv(folder / "police_offences.csv", index=False)
    result = run_cli("build", "--data-dir", str(extract_copy), "--build-dir", str(tmp_path), "--formats", "html")
    assert result.returncode == 1
    assert "police_offences.csv, row 43, column 'recorded_date': value '31/02/2024'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "camden-2024-12-31").exists()


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failing_notebook_names_notebook_cell_and_error_and_keeps_last_edition(built_edition, small_extract):
    before = tree_digest(built_edition.root)
    params = parse_parameters(data_dir=small_extract, formats="html")
    with pytest.raises(NotebookError) as failure:
        build(params, build_dir=built_edition.root.parent, notebooks=[BROKEN])
    message = str(failure.value)
    assert "broken.ipynb" in message
    assert "cell 3 (\"raise RuntimeError('deliberate failure for the test')\")" in message  # its own line
    assert "RuntimeError: deliberate failure for the test" in message
    assert tree_digest(built_edition.root) == before


def test_a_failing_cell_is_quoted_by_its_own_first_line_not_its_neighbours(tmp_path):
    """papermill's error-marker cells shifted the executed notebook, so the message quoted the cell before."""
    from vawg.running.notebooks import run_notebook

    with pytest.raises(NotebookError) as failure:
        run_notebook(BROKEN, tmp_path / "broken.ipynb", {"borough": "Camden"})
    assert "failed in cell 3 (\"raise RuntimeError(" in str(failure.value)
    assert "total = 1 + 1" not in str(failure.value)


def test_a_notebook_failing_on_data_names_the_extracts_its_section_reads():
    """A ZeroDivisionError names no data; the message points the analyst at the section's delivery folders."""
    from papermill.exceptions import PapermillExecutionError

    from vawg.running.notebooks import _describe_failure
    from vawg.foundations.paths import project_root

    notebook = project_root() / "notebooks" / "42-marac.ipynb"
    error = PapermillExecutionError(4, 3, "rate = cases / population", "ZeroDivisionError", "division by zero", [])
    message = _describe_failure(notebook, notebook, error)
    assert message.startswith("notebook 42-marac.ipynb failed in cell 4")
    assert message.endswith("ZeroDivisionError: division by zero; this section reads the extracts in marac/")
    error = PapermillExecutionError(4, 3, "x", "DataError", "marac/marac.csv, row 3: ...", [])
    assert "this section reads" not in _describe_failure(notebook, notebook, error)  # it names its file already


def test_shutting_down_a_notebook_kernel_does_not_interrupt_it():
    """jupyter_client sends SIGINT before every shutdown; a kernel still finishing its last message logged
    "ERROR | KeyboardInterrupt caught in kernel" into the build's output."""
    import signal

    from vawg.running.notebooks import LocalKernelManager

    manager = LocalKernelManager(kernel_name="python3")
    manager.start_kernel()
    sent = []
    original = manager._async_signal_kernel

    async def record(signum):
        sent.append(signum)
        await original(signum)

    manager._async_signal_kernel = record
    manager.shutdown_kernel()
    assert signal.SIGINT not in sent and not manager.is_alive()


def test_build_help_documents_every_parameter():
    result = run_cli("build", "--help")
    assert result.returncode == 0
    for option in ("--period-end", "--borough", "--comparator", "--formats", "--data-dir", "--reference-dir",
                   "--suppression-threshold"):
        assert option in result.stdout


def test_another_borough_gets_its_own_police_chapter_with_no_mention_of_camden(hackney_edition):
    edition, _ = hackney_edition
    # Council service data (cards, data-source register) is the report's own borough's; the police
    # analysis must follow the parameter.
    chapter = next(edition.outputs["html"].parent.rglob("03-local-picture.html"))
    page = BeautifulSoup(chapter.read_text(encoding="utf-8"), "lxml")
    # London-wide tables (every ward of every borough, on the real 2022 wards) name Camden as one row
    # among 32 boroughs; the chapter's prose, captions and Hackney's own tables must not.
    for table in page.find_all("table"):
        if "Bromley" in table.get_text(" "):
            table.decompose()
    text = page.get_text(" ")
    assert "Hackney had the" in text
    assert "Camden" not in text
    assert edition.edition == "hackney-2024-12-31"


def test_the_command_line_starts_without_loading_the_statistics_libraries():
    """`vawg --help` took over 2 s: vawg.foundations.wording imported vawg.foundations.stats, and with it statsmodels and scipy; then the
    service cards' command imported pandas through vawg.analysis.services."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, vawg.running.cli; "
                             "print(sorted({'statsmodels', 'scipy', 'plotnine', 'papermill', 'pandas'} & set(sys.modules)))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]", loaded
