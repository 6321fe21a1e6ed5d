"""The source check: what `quarto render` would refuse or misread is refused, with file and line.

Fixtures in tests/fixtures/quarto_rules/ are named for what they prove. The last
tests run the check over the repository's own sources and through render_book.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES as ALL_FIXTURES
from conftest import REPOSITORY

from vawg.foundations.errors import RenderError
from vawg.publishing.render import render_book
from vawg.publishing.render.quarto_rules import check_config, check_markdown, check_project, parse_shortcode

FIXTURES = ALL_FIXTURES / "quarto_rules"


def problems_in(name: str) -> list[str]:
    return [str(p) for p in check_markdown((FIXTURES / name).read_text(encoding="utf-8"), name)]


# Lines Quarto refuses are built here, not kept as .qmd files, so no source in the tree has their shape.
OPEN, CLOSE = "{" + "{<", ">}" + "}"


def var(key: str) -> str:
    return f"{OPEN} var {key} {CLOSE}"


def test_a_line_of_two_shortcodes_is_refused_with_file_and_line() -> None:
    text = f"# Two sentences\n\nInline is fine: {var('a.b')}.\n\n{var('a.first')} {var('a.second')}\n"
    problems = [str(p) for p in check_markdown(text, "two.qmd")]
    assert len(problems) == 1
    assert problems[0].startswith("two.qmd:5: Quarto reads this whole line as one {{< var >}}")


def test_a_block_shortcode_line_with_an_apostrophe_is_refused() -> None:
    text = f"# Wards\n\n{var('wards.top')} had the borough's highest rate, {var('wards.top_rate')}\n"
    problems = [str(p) for p in check_markdown(text, "wards.qmd")]
    assert len(problems) == 1 and problems[0].startswith("wards.qmd:3: ")
    assert "one block shortcode" in problems[0] or "one {{< var >}} shortcode" in problems[0]


def test_a_backtick_code_block_is_not_plain_text_but_a_tilde_or_indented_one_is() -> None:
    line = f"{var('a')} {var('b')}"
    assert check_markdown(f"```\n{line}\n```\n", "code.qmd") == []
    assert check_markdown(f"````\n```\n{line}\n````\n", "long.qmd") == []  # closes only on as many ticks
    for opening in ("~~~", "  ```"):  # break-quarto-md.ts opens code only at ^```
        problems = check_markdown(f"{opening}\n{line}\n{opening.strip()}\n", "x.qmd")
        assert [p.line for p in problems] == [2], opening


def test_when_format_pdf_is_refused_as_latex() -> None:
    assert problems_in("when_format_pdf.qmd") == [
        'when_format_pdf.qmd:3: when-format="pdf" means LaTeX output to Quarto, and this book\'s PDF is '
        'made with typst: use "typst"'
    ]


@pytest.mark.parametrize("name", ["latex", "word", "PDF"])
def test_other_format_names_quarto_does_not_match_are_refused(name: str) -> None:
    problems = check_markdown(f"::: {{.content-hidden unless-format='{name}'}}\nx\n:::\n", "x.qmd")
    assert [p.line for p in problems] == [1] and f'unless-format="{name}"' in problems[0].message


def test_an_include_inside_a_paragraph_is_refused() -> None:
    problems = problems_in("include_inline.qmd")
    assert len(problems) == 1 and problems[0].startswith("include_inline.qmd:3: {{< include >}} must stand")


def test_a_shortcode_in_a_chapter_date_is_refused() -> None:
    problems = problems_in("date_shortcode_front_matter.qmd")
    assert len(problems) == 1
    assert problems[0].startswith("date_shortcode_front_matter.qmd:3: a shortcode in 'date' comes out as 'Invalid Date'")


def test_a_shortcode_in_the_book_date_is_refused() -> None:
    problems = check_config((FIXTURES / "date_shortcode_quarto.yml").read_text(encoding="utf-8"))
    assert [str(p)[:16] for p in problems] == ["_quarto.yml:5: a"]


def test_a_book_chapter_quarto_would_number_is_refused(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  chapters:\n    - index.qmd\n    - part: Results\n      chapters:\n"
        "        - b.qmd\n  appendices:\n    - c.qmd\n", encoding="utf-8")
    (tmp_path / "index.qmd").write_text("# About {.unnumbered}\n", encoding="utf-8")
    (tmp_path / "b.qmd").write_text("---\ntitle: Results\n---\n\nText.\n", encoding="utf-8")
    (tmp_path / "c.qmd").write_text("```\n# not a heading\n```\n\n# Appendix 1: tables {#sec-a1}\n", encoding="utf-8")
    problems = check_project(tmp_path)
    assert [(p.path, p.line) for p in problems] == [("b.qmd", 2), ("c.qmd", 5)]
    assert "Appendix A" in problems[1].message and ".unnumbered" in problems[1].message


def test_what_quarto_accepts_passes() -> None:
    # Single shortcodes a line, an escaped shortcode, code blocks, typst and html names.
    assert problems_in("valid.qmd") == []


def test_shortcode_arguments_are_read_as_quarto_reads_them() -> None:
    assert parse_shortcode("var edition.borough") == ("var", ["edition.borough"])
    assert parse_shortcode('include "a b.qmd"') == ("include", ["a b.qmd"])
    assert parse_shortcode("-bad") is None


def test_the_repository_sources_pass() -> None:
    problems = check_project(REPOSITORY)
    assert [str(p) for p in problems if not p.path.startswith(("tests/", "build/"))] == []


def test_render_book_refuses_before_rendering(tmp_path: Path) -> None:
    project = Path(shutil.copytree(ALL_FIXTURES / "render_book", tmp_path / "book"))
    chapter = project / "chapters" / "02-offences.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n{{< var a.b >}} and {{< var c.d >}}\n", encoding="utf-8")
    line = len(chapter.read_text(encoding="utf-8").splitlines())
    for use_quarto in (False, True):  # both paths, before Quarto is even looked for
        with pytest.raises(RenderError, match=rf"chapters/02-offences\.qmd:{line}: Quarto reads this whole line"):
            render_book(project, tmp_path / "out", formats=("html",), use_quarto=use_quarto)


def test_the_staged_book_date_is_written_as_quarto_parses_it(tmp_path: Path) -> None:
    import datetime as dt

    from vawg.running.build import stage_date
    from vawg.publishing.render.sources import load_book

    project = Path(shutil.copytree(REPOSITORY, tmp_path / "p", ignore=shutil.ignore_patterns(
        "build", "data", "tests", "notebooks", "benchmarks", "src", "scripts", ".*")))
    stage_date(project / "_quarto.yml", dt.date(2025, 3, 4))
    text = (project / "_quarto.yml").read_text(encoding="utf-8")
    assert '  date: "2025-03-04"\n' in text and "{{< var edition.built_on" not in text
    assert "# Quarto parses the date" in text  # comments and order kept
    assert check_config(text) == []
    (project / "_variables.yml").write_text("edition: {borough: Camden, period_end_long: 31 December 2024}\n")
    assert load_book(project).date == "4 March 2025"  # date-format "D MMMM YYYY", as Quarto prints it
