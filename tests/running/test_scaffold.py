"""``vawg new section`` and ``vawg new report``: a deep-dive author's new Chapter 3 section, and a stand-alone
deep-dive report, are scaffolded, tested, built and checked.

The fast tests refuse bad and taken names; the build test scaffolds a section in a copy of the repository
(its code too, as an author's checkout would be), runs the section's own tests, builds the edition with it
and runs ``vawg check``, each in a process of its own so the copy's registry is the one used.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from vawg.foundations.paths import project_root
from vawg.running.build import copy_project
from vawg.running.scaffold import ScaffoldError, _notebook, new_section


NAME = "stalking-clinic"


def checkout(target: Path) -> Path:
    """A copy of the repository as an author has it: sources, package code and tests."""
    return copy_project(target, also=("src", "tests", "pyproject.toml"))


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    env.pop("VAWG_PROJECT", None)
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True)


def test_a_bad_or_taken_name_is_refused_naming_the_problem(tmp_path):
    root = checkout(tmp_path / "repo")
    with pytest.raises(ScaffoldError, match="lower-case words joined by hyphens"):
        new_section("Stalking Clinic", project=root)
    new_section(NAME, project=root)
    with pytest.raises(ScaffoldError, match="already exists: src/vawg/analysis/deep_dives/stalking_clinic.py"):
        new_section(NAME, project=root)


def test_the_notebook_template_gives_a_parameters_cell_and_one_cell_per_artifact():
    text = (project_root() / "templates" / "new-section" / "notebook.py.tmpl").read_text(encoding="utf-8")
    cells = _notebook(text).cells
    assert [cell.cell_type for cell in cells] == ["markdown"] + ["code"] * 5
    assert cells[1].metadata["tags"] == ["parameters"] and "period_end =" in cells[1].source
    assert [cell.source.splitlines()[0] for cell in cells[3:]] == ["# fig-${name}", "# tbl-${name}", "# ${module}.*"]


@pytest.fixture(scope="module")
def scaffolded(small_extract, tmp_path_factory):
    root = checkout(tmp_path_factory.mktemp("author") / "repo")
    made = run(root, "-m", "vawg.running.cli", "new", "section", NAME, "--title", "Stalking clinic")
    assert made.returncode == 0, made.stderr
    build_dir = root / "build"
    # All three formats: `vawg check` passes an edition only when its PDF and Word file were checked too.
    built = run(root, "-m", "vawg.running.cli", "build", "--data-dir", str(small_extract), "--build-dir", str(build_dir))
    assert built.returncode == 0, built.stderr[-3000:]
    return root, made, build_dir / "camden-2024-12-31"


def test_the_scaffold_names_every_file_it_wrote_and_wires_the_section_in(scaffolded):
    root, made, _ = scaffolded
    assert made.stdout.splitlines()[:6] == [
        "src/vawg/analysis/deep_dives/stalking_clinic.py", "notebooks/50-stalking-clinic.ipynb",
        "tests/analysis/deep_dives/test_stalking_clinic.py", "chapters/_03-stalking-clinic.qmd", "src/vawg/foundations/sections.py",
        "chapters/03-local-picture.qmd"]
    assert 'Section("50-stalking-clinic.ipynb", staged=("police_offences",))' in (
        root / "src" / "vawg" / "foundations" / "sections.py").read_text(encoding="utf-8")


def test_the_scaffolded_sections_own_tests_pass(scaffolded):
    root, _, _ = scaffolded
    result = run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/analysis/deep_dives/test_stalking_clinic.py")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 passed" in result.stdout


def test_the_scaffolded_section_is_built_into_chapter_3_and_passes_the_check(scaffolded):
    root, _, edition = scaffolded
    page = edition / "output" / "site" / "chapters" / "03-local-picture.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    heading = soup.find(id="sec-stalking-clinic")
    assert heading is not None and "Stalking clinic" in heading.get_text()
    # The site's pages are flat: a section is its heading and what follows up to the next h2 or h3.
    section = []
    for element in heading.find_next_siblings():
        if element.name in ("h2", "h3"):
            break
        section.append(element)
    text = " ".join(" ".join(element.get_text(" ", strip=True) for element in section).split())
    assert "In 2024 the police recorded" in text and "{{<" not in text
    images = [image for element in section for image in element.find_all("img")]
    assert len(images) == 1 and images[0]["alt"].startswith("Line chart of the VAWG offences recorded in Camden")
    assert any(element.find("table") or element.name == "table" for element in section)
    assert "VAWG offences recorded in Camden by year" in text
    # The summary still closes the chapter.
    headings = [h.get("id") for h in soup.find_all(["h2", "h3"]) if h.get("id")]
    assert headings.index("sec-stalking-clinic") < len(headings) - 1
    checked = run(root, "-m", "vawg.running.cli", "check", "--edition", str(edition))
    assert checked.returncode == 0, checked.stdout[-3000:]


REPORT = "honour-abuse-deep-dive"


@pytest.fixture(scope="module")
def scaffolded_report(scaffolded, small_extract):
    root, _, _ = scaffolded
    made = run(root, "-m", "vawg.running.cli", "new", "report", REPORT, "--title", "Honour-based abuse")
    assert made.returncode == 0, made.stderr
    built = run(root, "-m", "vawg.running.cli", "build", "--report", f"reports/{REPORT}", "--data-dir", str(small_extract))
    assert built.returncode == 0, built.stderr[-3000:]
    return root, made, root / "build" / "reports" / REPORT / "camden-2024-12-31"


def test_a_scaffolded_report_is_its_own_book_and_leaves_the_needs_assessment_alone(scaffolded_report):
    root, made, _ = scaffolded_report
    assert made.stdout.splitlines()[:6] == [
        f"reports/{REPORT}/_quarto.yml", f"reports/{REPORT}/index.qmd", "src/vawg/analysis/deep_dives/honour_abuse_deep_dive.py",
        f"reports/{REPORT}/notebooks/01-{REPORT}.ipynb", "tests/analysis/deep_dives/test_honour_abuse_deep_dive.py",
        f"reports/{REPORT}/chapters/{REPORT}.qmd"]
    registry = (root / "src" / "vawg" / "foundations" / "sections.py").read_text(encoding="utf-8")
    assert REPORT not in registry and REPORT not in (root / "chapters" / "03-local-picture.qmd").read_text(encoding="utf-8")
    result = run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/analysis/deep_dives/test_honour_abuse_deep_dive.py")
    assert result.returncode == 0 and "2 passed" in result.stdout, result.stdout[-3000:]


def test_a_scaffolded_report_builds_in_three_formats_with_the_notices_and_passes_the_check(scaffolded_report):
    from pypdf import PdfReader

    root, _, edition = scaffolded_report
    site = edition / "output" / "site"
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    assert pages == ["accessibility.html", f"chapters/{REPORT}.html", "index.html"]
    chapter = BeautifulSoup((site / "chapters" / f"{REPORT}.html").read_text(encoding="utf-8"), "html.parser")
    assert chapter.find("h1").get_text(" ", strip=True).startswith("Honour-based abuse")
    images = chapter.find_all("img")
    assert len(images) == 1 and images[0]["alt"].startswith("Line chart of the VAWG offences recorded in Camden")
    assert chapter.find("table") is not None
    index = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(index.get_text(" ", strip=True).split())
    assert "This deep dive looks at honour-based abuse in Camden" in text and "Synthetic data" in text
    outline = [item.title for item in PdfReader(edition / "output" / "report.pdf").outline if hasattr(item, "title")]
    assert outline == ["About this report", "Honour-based abuse", "Accessibility statement"]
    checked = run(root, "-m", "vawg.running.cli", "check", "--edition", str(edition))
    assert checked.returncode == 0, checked.stdout[-3000:]
