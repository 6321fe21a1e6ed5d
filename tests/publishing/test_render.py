"""The built-in renderer: the fixture book (tests/fixtures/render_book) in HTML, Word and PDF.

Each output is opened and checked for what a reader, and a screen reader, needs:
resolved variables and includes, numbered figures and tables with alt text and
captions, working cross-references, header cells, language and title metadata.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import docx
import pikepdf
import pypandoc
import pypdf
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPOSITORY

from vawg.foundations.errors import RenderError
from vawg.publishing.render import render_book

FIXTURE = FIXTURES / "render_book"
BOOK_TITLE = "Test needs assessment"
TREND_ALT = "Line chart: offences in Testham rose from 1,500 to 2,000."
MAP_ALT = "Map of wards: the highest rates are in the north."
PAGES = ["index.html", "chapters/01-context.html", "chapters/02-offences.html", "appendices/a1-methods.html"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return render_book(FIXTURE, tmp_path_factory.mktemp("render"), use_quarto=False)


@pytest.fixture(scope="module")
def site(outputs: dict[str, Path]) -> Path:
    return outputs["html"].parent


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")


def site_text(site: Path) -> str:
    text = " ".join(page(site, name).get_text(" ", strip=True) for name in PAGES)
    return " ".join(text.split())


def docx_text(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(path)).pages)


def test_outputs_are_where_the_build_expects_them(outputs: dict[str, Path]) -> None:
    root = outputs["pdf"].parent
    assert outputs == {"html": root / "site" / "index.html", "pdf": root / "report.pdf", "docx": root / "report.docx"}
    assert all(path.is_file() for path in outputs.values())
    assert sorted(str(p.relative_to(root / "site")) for p in (root / "site").rglob("*.html")) == sorted(PAGES)


# ------------------------------------------------------------------------------------ HTML


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_accessible_skeleton(site: Path, name: str) -> None:
    soup = page(site, name)
    assert soup.html["lang"] == "en-GB"
    assert soup.title.get_text().endswith(BOOK_TITLE)
    first_focusable = soup.body.find(["a", "button", "input", "select", "textarea"])
    assert first_focusable.get_text() == "Skip to main content" and first_focusable["href"] == "#main"
    assert soup.find("main", id="main") is not None
    assert soup.find("header") is not None and soup.find("footer") is not None
    assert len(soup.find_all("h1")) == 1

    chapters_nav = soup.find("nav", attrs={"aria-label": "Chapters"})
    links = chapters_nav.find_all("a")
    listed = {str(PurePosixPath(name).parent / link["href"]) for link in links}
    assert {os.path.normpath(path) for path in listed} == set(PAGES)
    current = chapters_nav.find_all(attrs={"aria-current": "page"})
    assert len(current) == 1
    assert os.path.normpath(str(PurePosixPath(name).parent / current[0]["href"])) == name


def test_page_titles_name_the_chapter_and_the_book(site: Path) -> None:
    assert page(site, "chapters/01-context.html").title.get_text() == f"Context – {BOOK_TITLE}"
    assert page(site, "chapters/02-offences.html").h1.get_text() == "Offences"  # from front matter title:


def test_front_page_has_title_block_and_contents(site: Path) -> None:
    soup = page(site, "index.html")
    assert soup.h1.get_text() == BOOK_TITLE
    assert "Testham, data to 31 March 2025" in soup.find(class_="title-block").get_text()
    assert soup.find("nav", class_="contents").find_all("li")
    assert soup.find("h2", id="summary") is not None  # index.qmd's own heading sits under the book title


def test_previous_and_next_links(site: Path) -> None:
    pager = page(site, "chapters/01-context.html").find("nav", class_="pager")
    assert pager.find("a", rel="prev")["href"] == "../index.html"
    assert pager.find("a", rel="next")["href"] == "02-offences.html"


def test_figures_have_alt_text_and_numbered_captions(site: Path) -> None:
    trend = page(site, "chapters/01-context.html").find("figure", id="fig-trend")
    assert trend.img["alt"] == TREND_ALT  # fig-alt, with its {{< var >}} resolved
    assert trend.figcaption.get_text(" ", strip=True) == "Figure 1: Offences rose each year"
    assert not trend.figcaption.has_attr("aria-hidden")
    figure_map = page(site, "chapters/02-offences.html").find("figure", id="fig-map")  # from a partial
    assert figure_map.img["alt"] == MAP_ALT
    assert figure_map.figcaption.get_text(" ", strip=True) == "Figure 2: Offences by ward"


def test_table_has_caption_and_scoped_header_cells(site: Path) -> None:
    table = page(site, "chapters/02-offences.html").find("table", id="tbl-offences")
    assert table.caption.get_text(" ", strip=True) == "Table 1: Offences by area, 2024/25"
    header_cells = table.thead.find_all("th")
    assert [th.get_text() for th in header_cells] == ["Area", "Offences", "Rate"]
    assert all(th["scope"] == "col" for th in header_cells)
    assert all(row.get_text(strip=True) for row in table.thead.find_all("tr"))
    assert table.tbody.find_all("tr")[-1].find("strong").get_text() == "Total"
    region = table.parent
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == table.caption["id"]


def test_cross_references_link_to_the_right_page(site: Path) -> None:
    soup = page(site, "chapters/01-context.html")
    link = soup.find("a", string="Figure 2")
    assert link["href"] == "02-offences.html#fig-map"
    assert soup.find("a", string="Figure 1")["href"] == "#fig-trend"
    appendix = page(site, "appendices/a1-methods.html")
    assert appendix.find("a", string="Table 1")["href"] == "../chapters/02-offences.html#tbl-offences"
    assert appendix.find("a", string="Background")["href"] == "../chapters/01-context.html#sec-background"
    # [-@fig-trend] gives the number alone
    assert page(site, "chapters/02-offences.html").find("a", href="01-context.html#fig-trend").get_text() == "1"


def test_conditional_content_in_html(site: Path) -> None:
    text = site_text(site)
    assert "Only on the website" in text
    assert "Not in the Word edition" in text
    assert "Only in the PDF edition" not in text
    assert "Not on the website" not in text
    raw = page(site, "chapters/01-context.html").find("p", class_="html-only-raw")
    assert raw is not None and "Raw HTML passes through." in raw.get_text()


def test_variables_includes_and_callouts_in_html(site: Path) -> None:
    text = site_text(site)
    assert "The rate was 12.3 per 1,000 women." in text
    # a var value is text, never Markdown or HTML
    assert "suppressed cells show as *, small counts as <7 and rates built on them as [c])." in text
    assert "The borough is Testham." in text and "A nested include says hello." in text
    assert "dropped front matter" not in text
    assert text.count("{{<") == 1 and "Write {{< var name >}} to quote" in text  # {{{< >}}} escapes
    callout = page(site, "chapters/01-context.html").find("div", class_="callout-important")
    assert callout["role"] == "note"
    assert callout.find(class_="callout-title").get_text(strip=True) == "Data caveat"
    assert not page(site, "chapters/01-context.html").find(["h2", "h3"], string="Data caveat")


def test_every_local_link_and_image_resolves(site: Path) -> None:
    for name in PAGES:
        soup = page(site, name)
        for tag, attribute in [(t, "href") for t in soup.find_all(["a", "link"])] + [(t, "src") for t in soup.find_all("img")]:
            url = urlsplit(tag[attribute])
            if url.scheme or url.netloc:
                continue
            target = os.path.normpath(str(PurePosixPath(name).parent / url.path)) if url.path else name
            assert (site / target).is_file(), f"{name}: {tag[attribute]}"
            if url.fragment and target.endswith(".html"):
                assert page(site, target).find(id=url.fragment), f"{name}: {tag[attribute]}"
    assert (site / "artifacts/data/tbl-offences.csv").is_file()


def test_stylesheet_is_accessible_by_design(site: Path) -> None:
    css = (site / "assets" / "vawg.css").read_text()
    assert ":focus-visible" in css and "outline: 3px solid" in css
    assert "max-width: 100%; height: auto" in css
    # No fixed widths (a share of the container, e.g. 100%, reflows at 320 px).
    assert not re.search(r"(?<![-\w])width:\s*[\d.]+(px|r?em|cm|mm|pt|in)\b", css)


# ------------------------------------------------------------------------------------ Word


def test_word_metadata_title_and_language(outputs: dict[str, Path]) -> None:
    document = docx.Document(str(outputs["docx"]))
    assert document.core_properties.title == BOOK_TITLE
    assert document.core_properties.language == "en-GB"
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == BOOK_TITLE
    styles_xml = zipfile.ZipFile(outputs["docx"]).read("word/styles.xml").decode()
    defaults = styles_xml.split("<w:docDefaults>")[1].split("</w:docDefaults>")[0]
    assert 'w:val="en-GB"' in defaults
    assert "TOC" in zipfile.ZipFile(outputs["docx"]).read("word/document.xml").decode()  # contents field


def test_word_headings_captions_and_conditional_content(outputs: dict[str, Path]) -> None:
    document = docx.Document(str(outputs["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert {"Summary", "Context", "Offences", "Appendix 1: Methods"} <= set(headings)
    captions = [p.text for p in document.paragraphs if "Caption" in p.style.name]
    assert "Table 1: Offences by area, 2024/25" in captions
    assert "Figure 2: Offences by ward" in captions
    text = docx_text(outputs["docx"])
    assert "Figure 2 the map" in text and "Not on the website" in text
    assert "small counts as <7 and rates built on them as [c])" in text
    assert "Only on the website" not in text and "Not in the Word edition" not in text
    assert "Only in the PDF edition" not in text


def test_word_images_have_alt_text(outputs: dict[str, Path]) -> None:
    document = docx.Document(str(outputs["docx"]))
    descriptions = [
        element.get("descr")
        for element in document.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    ]
    assert descriptions == [TREND_ALT, MAP_ALT]


def test_word_table_header_row_repeats(outputs: dict[str, Path]) -> None:
    document = docx.Document(str(outputs["docx"]))
    assert len(document.tables) == 1
    for table in document.tables:
        first_row = table.rows[0]._tr
        assert first_row.trPr is not None
        assert first_row.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert [cell.text for cell in document.tables[0].rows[-1].cells] == ["Total", "2,000", "12.3"]


# ------------------------------------------------------------------------------------- PDF


def structure_elements(node: pikepdf.Object, found: list[pikepdf.Dictionary]) -> list[pikepdf.Dictionary]:
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                structure_elements(kid, found)
        elif kids is not None:
            structure_elements(kids, found)
    return found


def test_pdf_is_tagged_with_language_and_title(outputs: dict[str, Path]) -> None:
    with pikepdf.open(outputs["pdf"]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == BOOK_TITLE
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        elements = structure_elements(pdf.Root.StructTreeRoot, [])
        figures = [element for element in elements if element.S == "/Figure"]
        assert [str(figure.Alt) for figure in figures] == [TREND_ALT, MAP_ALT]
        kinds = {str(element.S) for element in elements}
        assert {"/H1", "/H2", "/Table", "/TH"} <= kinds
        assert len(pdf.open_outline().root) >= 4  # headings are bookmarks


def test_pdf_text_has_numbers_references_and_conditional_content(outputs: dict[str, Path]) -> None:
    text = pdf_text(outputs["pdf"])
    assert "Figure 1: Offences rose each year" in text
    assert "Table 1: Offences by area, 2024/25" in text
    assert "Figure 1 shows the trend and Figure 2 the map" in text
    assert "North 1,200 13.1" in text and "Total 2,000 12.3" in text
    assert "Contents" in text
    assert "small counts as <7 and rates built on them as [c])" in text
    assert "Only in the PDF edition" in text and "Not in the Word edition" in text
    assert "Only on the website" not in text


# ---------------------------------------------------------------------------------- errors


@pytest.fixture
def broken_book(tmp_path: Path) -> Path:
    """A writable copy of the fixture, for tests that break one thing."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "book"))


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_unknown_variable_names_file_and_key(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "chapters/01-context.qmd", "\nRate: {{< var offences.nope >}}.\n")
    with pytest.raises(RenderError, match=r"^chapters/01-context\.qmd: \{\{< var offences\.nope >\}\}: no such key in _variables\.yml$"):
        render_book(broken_book, tmp_path / "out", formats=("html",), use_quarto=False)


def test_unknown_variable_in_a_partial_names_the_partial(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "artifacts/partials/nested-note.qmd", "{{< var missing.key >}}\n")
    with pytest.raises(RenderError, match=r"artifacts/partials/nested-note\.qmd: .*missing\.key"):
        render_book(broken_book, tmp_path / "out", formats=("docx",), use_quarto=False)


def test_include_must_stand_on_its_own_line(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "index.qmd", "\nText {{< include chapters/01-context.qmd >}}\n")
    with pytest.raises(RenderError, match=r"^index\.qmd:10: .*on a line of its own"):
        render_book(broken_book, tmp_path / "out", formats=("html",), use_quarto=False)


def test_unsupported_shortcode_is_named(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "index.qmd", "\n{{< video https://example.org/v.mp4 >}}\n")
    with pytest.raises(RenderError, match=r"^index\.qmd: \{\{< video .*unsupported shortcode"):
        render_book(broken_book, tmp_path / "out", formats=("html",), use_quarto=False)


def test_missing_include_names_it(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "chapters/02-offences.qmd", "\n{{< include ../artifacts/partials/no-such.qmd >}}\n")
    with pytest.raises(RenderError, match=r"chapters/02-offences\.qmd: .*no-such\.qmd.*not found"):
        render_book(broken_book, tmp_path / "out", formats=("html",), use_quarto=False)


def test_unknown_cross_reference_names_it(broken_book: Path, tmp_path: Path) -> None:
    append(broken_book / "appendices/a1-methods.qmd", "\nSee @fig-nope.\n")
    with pytest.raises(RenderError, match=r"appendices/a1-methods\.qmd: @fig-nope: no figure"):
        render_book(broken_book, tmp_path / "out", formats=("pdf",), use_quarto=False)


def test_missing_image_names_it(broken_book: Path, tmp_path: Path) -> None:
    (broken_book / "artifacts/figures/fig-map.svg").unlink()
    with pytest.raises(RenderError, match=r"chapters/02-offences\.qmd: image .*fig-map\.svg not found"):
        render_book(broken_book, tmp_path / "out", formats=("html",), use_quarto=False)


# ---------------------------------------------------------------------------------- Quarto


FAKE_QUARTO = """#!{python}
# Stands in for the Quarto CLI: writes what `quarto render --to X` would, into _book/.
import pathlib, shutil, subprocess, sys
target = sys.argv[sys.argv.index("--to") + 1]
book = pathlib.Path("_book")
book.mkdir(exist_ok=True)
if target == "html":
    (book / "index.html").write_text("<!DOCTYPE html><html lang='en-GB'><title>t</title><h1>t</h1></html>")
elif target == "typst":
    shutil.copyfile({pdf!r}, book / "report.pdf")
elif target == "docx":
    # Word as Quarto writes it: fig-alt dropped (descr empty), each figure in a one-cell layout
    # table, a callout as Quarto's docx.lua draws it (a table: icon and title, then the body),
    # and a data table without a repeating header.
    from PIL import Image
    Image.new("RGB", (16, 16), (18, 67, 109)).save("callout-note.png")
    tbl = '<w:tbl><w:tblPr><w:tblStyle w:val="Table"/><w:tblW w:type="pct" w:w="5000"/></w:tblPr>'
    row = '<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc>'
    end_cell = '</w:tc></w:tr>'
    markdown = "\\n\\n".join([
        "# Context",
        "```{{=openxml}}\\n" + tbl + row + "\\n```",
        "![](artifacts/figures/fig-trend.png)",
        "Figure 1: Offences rose each year",
        "```{{=openxml}}\\n" + end_cell + "</w:tbl>\\n```",
        "```{{=openxml}}\\n" + tbl + row + "\\n```",
        "![](callout-note.png){{width=0.14in height=0.14in}}  Note",
        "```{{=openxml}}\\n" + end_cell + row + "\\n```",
        "Counts under 7 are not shown.",
        "```{{=openxml}}\\n" + end_cell + "</w:tbl>\\n```",
        "| A | B |\\n|---|---|\\n| 1 | 2 |",
    ])
    subprocess.run([{pandoc!r}, "-f", "markdown-implicit_figures", "-o", str(book / "report.docx")],
                   input=markdown + "\\n", text=True, check=True)
"""


def test_quarto_outputs_are_collected_and_word_is_fixed(
    outputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable, pdf=str(outputs["pdf"]), pandoc=pypandoc.get_pandoc_path()))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    project = Path(shutil.copytree(FIXTURE, tmp_path / "book"))

    result = render_book(project, tmp_path / "out")  # use_quarto=None: finds the fake quarto

    assert result == {
        "html": tmp_path / "out/site/index.html", "pdf": tmp_path / "out/report.pdf", "docx": tmp_path / "out/report.docx",
    }
    assert all(path.is_file() for path in result.values())
    document = docx.Document(str(result["docx"]))
    assert document.core_properties.title == BOOK_TITLE
    doc_prs = list(document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    # Alt text restored where Quarto left it empty (recognised by the figure's bytes) ...
    assert doc_prs[0].get("descr") == TREND_ALT
    # ... and the callout icon marked decorative, not refused for lacking alt text.
    assert doc_prs[1].get("descr") == ""
    assert doc_prs[1].find(".//{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative").get("val") == "1"
    # The layout tables are gone; only the data table is left, with a repeating header row.
    assert len(document.tables) == 1 and document.tables[0].cell(0, 0).text == "A"
    assert document.tables[0].rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Figure 1: Offences rose each year" in texts and "Counts under 7 are not shown." in texts
    # What vawg check reads in Word finds nothing to report for images and tables.
    from vawg.publishing.check.docx import check_docx
    from vawg.publishing.check.results import Section
    section = Section("Word", "report.docx")
    check_docx(result["docx"], "report.docx", section)
    assert [f for f in section.findings if f.rule in ("docx-image-alt", "docx-table-header")] == []


def failing_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stderr: str) -> None:
    """A stand-in ``quarto`` on PATH that writes ``stderr`` and exits 1."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write({stderr!r})\nsys.exit(1)\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_quarto_failure_is_a_render_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What Quarto 1.10 writes: a coloured ERROR line, then a stack trace whose last line is a frame.
    failing_quarto(tmp_path, monkeypatch,
                   "\x1b[31mERROR: Invalid Shortcode: In file chapters/x.qmd (17:1)\x1b[39m\n\nStack trace:\n"
                   "    at breakQuartoMd (file:///opt/quarto/bin/quarto.js:1:1)\n"
                   "    at async render (file:///opt/quarto/bin/quarto.js:2:2)\n")
    with pytest.raises(RenderError) as raised:
        render_book(FIXTURE, tmp_path / "out", formats=("html",), use_quarto=True)
    assert str(raised.value).startswith("quarto render --to html failed in ")
    assert str(raised.value).endswith(": ERROR: Invalid Shortcode: In file chapters/x.qmd (17:1)")


def test_quarto_failure_names_the_file_typst_points_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing_quarto(tmp_path, monkeypatch,
                   "[typst]: Compiling report.typ to report.pdf...\n"
                   "ERROR: error: PDF/UA-1 error: invalid document structure, this element's PDF tag would be split up\n"
                   "    \u250c\u2500 report.typ:120:3\n\nERROR: Error\n    at file:///opt/quarto/bin/quarto.js:3:3\n")
    with pytest.raises(RenderError, match=r"--to typst failed .*: ERROR: error: PDF/UA-1 error: .*split up \(in report\.typ:120:3\)$"):
        render_book(FIXTURE, tmp_path / "out", formats=("pdf",), use_quarto=True)


def test_quarto_html_pages_number_figures_through_the_book_as_the_built_in_renderer(
    site: Path, tmp_path: Path
) -> None:
    import re

    import yaml

    from vawg.publishing.render.quarto import stage_html_numbering

    project = Path(shutil.copytree(FIXTURE, tmp_path / "book"))
    stage_html_numbering(project)
    text = (project / "chapters/02-offences.qmd").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    # The page's one figure is the book's second; its one table the first (so it needs no list).
    assert front["format"]["html"]["crossref"] == {"fig-labels": ["2"]}
    assert front["title"] == "Offences {.unnumbered}"
    built_in = page(site, "chapters/02-offences.html").get_text(" ")
    assert re.search(r"Figure 2\s*:", built_in) and re.search(r"Table 1\s*:", built_in)
    assert "format:" not in (project / "chapters/01-context.qmd").read_text(encoding="utf-8")
    render_book(project, tmp_path / "out", formats=("html",), use_quarto=False)  # still the same sources to us


QUARTO_TYPST_BODY = """
# About this report {.unnumbered}

Text.

```{=typst}
#part[The local picture]
```

# The local picture {#sec-local-picture .unnumbered}

## Population

| Area | Offences |
|------|---------:|
| North | 10 |

```{=typst}
#show: appendices.with("Appendices", hide-parent: true)
#heading(level: 1, numbering: none)[Appendices]
```

# Appendix 2: related services {#sec-appendix-2 .unnumbered}

## 2a: Services

Text.

# Appendix 6: quantitative methods {#sec-appendix-6 .unnumbered}

## 6c: Abuse types

Text.
"""


def test_quarto_typst_book_with_appendices_compiles_under_pdf_ua_1(tmp_path: Path) -> None:
    # Quarto's typst template is `$typst-template.typ()$ ... $typst-show.typ()$ ... $body$`
    # (src/resources/formats/typst/pandoc/quarto/template.typ); our partials replace those two, and
    # the body carries the raw typst Quarto's orange-book filter writes for parts and appendices.
    import typst

    templates = REPOSITORY / "templates" / "typst"
    for name in ("typst-template.typ", "typst-show.typ"):
        shutil.copy(templates / name, tmp_path / name)
    (tmp_path / "template.typ").write_text("$typst-template.typ()$\n\n$typst-show.typ()$\n\n$body$\n")
    metadata = tmp_path / "meta.yml"
    metadata.write_text(
        "title: Test book\nsubtitle: Testham\nby-author:\n  - name: {literal: Testham Public Health}\n"
        "date: 1 May 2025\nlang: en-GB\ntoc: true\ntoc-depth: 2\npapersize: a4\n", encoding="utf-8")
    source = pypandoc.convert_text(QUARTO_TYPST_BODY, "typst", format="markdown", extra_args=[
        f"--template={tmp_path / 'template.typ'}", f"--metadata-file={metadata}"])
    pdf = tmp_path / "book.pdf"
    typst.compile(source.encode("utf-8"), output=str(pdf), pdf_standards=["ua-1"])
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "en-GB"
        assert "/StructTreeRoot" in document.Root
        assert str(document.open_metadata().get("dc:title")) == "Test book"
    text = pdf_text(pdf)
    assert "Contents" in text and "Appendices" in text and "Appendix 6: quantitative methods" in text
    assert "Appendix A" not in text and "Testham Public Health" in text


def test_word_alt_text_comes_from_the_sources_fig_alt_without_a_manifest(tmp_path: Path) -> None:
    import hashlib

    from vawg.publishing.render.docx import image_alts

    project = Path(shutil.copytree(FIXTURE, tmp_path / "book"))
    (project / "artifacts/manifest.json").unlink()
    alts = image_alts(project, {})
    for name, alt in (("fig-trend", TREND_ALT), ("fig-map", MAP_ALT)):  # one in a chapter, one in a partial
        for ext in ("png", "svg"):
            assert alts[hashlib.sha1((project / f"artifacts/figures/{name}.{ext}").read_bytes()).hexdigest()] == alt


def test_the_same_book_rendered_twice_gives_the_same_bytes_in_every_format(outputs, tmp_path, monkeypatch):
    """Issues 16, 17 and 20: typst stamped the PDF with the time and python-docx every part of the Word zip."""
    import hashlib
    import time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735603200")  # 2024-12-31: the day both renders claim
    first = render_book(FIXTURE, tmp_path / "first", use_quarto=False)
    time.sleep(2)  # a zip time stamp has two-second steps
    second = render_book(FIXTURE, tmp_path / "second", use_quarto=False)

    def digests(result: dict[str, Path]) -> dict[str, str]:
        root = result["pdf"].parent
        files = [result["pdf"], result["docx"], *sorted(result["html"].parent.rglob("*.html"))]
        return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}

    assert digests(first) == digests(second)
    assert b"20241231" in first["pdf"].read_bytes()  # the PDF's creation date is the build's
    properties = docx.Document(str(first["docx"])).core_properties
    assert properties.created.date().isoformat() == "2024-12-31"
