"""Borough content and the notices a council publishes: cards per borough, synthetic-data notice, help, contact.

A borough without its own folder must never show Camden's services; the synthetic-data
notice must be in every format of a synthetic build and nowhere in one from real extracts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FIXTURES

from vawg.analysis import borough_notices as notices
from vawg.analysis import services
from vawg.writing.artifacts import ArtifactWriter
from vawg.publishing.check.published import text_faults
from vawg.running.notebooks import run_notebook
from vawg.foundations.paths import project_root
from vawg.publishing.render import render_book

RENDER_BOOK = FIXTURES / "render_book"
NOTICE_WORDS = "Synthetic data"


def camden_cards() -> list[services.Card]:
    return services.load_cards(services.services_dir("Camden"))


def words(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


# -- service cards by borough ---------------------------------------------------------------------------


def test_camden_cards_live_in_camdens_folder_and_a_borough_without_one_has_none():
    assert services.services_dir("Camden") == project_root() / "data" / "boroughs" / "camden" / "services"
    assert len(camden_cards()) == 38
    assert services.services_dir("Kensington and Chelsea").parent.name == "kensington-and-chelsea"
    assert services.load_cards(services.services_dir("Hackney")) == []


@pytest.fixture(scope="module")
def hackney_chapter_4(tmp_path_factory) -> Path:
    """The Chapter 4 notebook run for Hackney, as the build runs it, into an empty artifacts folder."""
    root = tmp_path_factory.mktemp("hackney")
    artifacts, staged = root / "artifacts", root / "staged"
    staged.mkdir()
    run_notebook(project_root() / "notebooks" / "40-local-response.ipynb", root / "40.ipynb", {
        "period_end": "2024-12-31", "borough": "Hackney", "comparator": "London", "suppression_threshold": 7,
        "staged_dir": str(staged), "artifacts_dir": str(artifacts), "reference_dir": ""})
    return artifacts


def test_a_hackney_chapter_4_and_appendix_2_show_no_camden_card_and_say_how_to_add_hackneys(hackney_chapter_4):
    partials = hackney_chapter_4 / "partials"
    texts = {path.name: words(path.read_text(encoding="utf-8")) for path in partials.glob("*.qmd")}
    assert {"local-response.qmd", "services-additional.qmd", "services-index.qmd"} <= set(texts)
    everything = " ".join(texts.values())
    shown = [card.name for card in camden_cards() if words(card.name) in everything or f"#svc-{card.id}" in everything]
    assert not shown, f"Hackney's Chapter 4 shows Camden's cards: {shown}"
    assert "Camden" not in everything
    assert "{#sec-services-index}" in texts["local-response.qmd"]  # Appendix 2 links to it
    assert "Hackney has not supplied its account of the local response or its service cards" \
        in texts["local-response.qmd"]
    assert "Hackney has not supplied its service cards" in texts["services-additional.qmd"]
    assert not text_faults(texts["local-response.qmd"] + texts["services-additional.qmd"])


def test_camdens_chapter_4_text_comes_from_its_folder_and_includes_its_card_partials(tmp_path):
    writer = ArtifactWriter(tmp_path, 7)
    text = services.local_response_text("Camden")
    assert text == (project_root() / "data" / "boroughs" / "camden" / "local-response.qmd").read_text(encoding="utf-8")
    for category in services.CHAPTER_CATEGORIES:
        assert f"{{{{< include {services.partial_name(category)}.qmd >}}}}" in text
    written = services.write_local_response(writer, "Camden")
    assert written == tmp_path / "partials" / "local-response.qmd"


# -- synthetic marker and notice ------------------------------------------------------------------------------


def test_synth_output_carries_the_marker_and_real_extracts_do_not(tmp_path):
    from vawg.running.synth import generate

    generate(tmp_path / "raw", scale=0.002, only=())
    assert notices.is_synthetic(tmp_path / "raw")
    assert yaml.safe_load((tmp_path / "raw" / notices.SYNTHETIC_MARKER).read_text())["made_by"] == "vawg synth"
    real = tmp_path / "real"
    shutil.copytree(tmp_path / "raw", real, ignore=shutil.ignore_patterns(notices.SYNTHETIC_MARKER))
    assert not notices.is_synthetic(real)


def notice_book(tmp_path: Path, *, synthetic: bool, borough: str = "Camden") -> Path:
    """The render fixture book with this edition's notices, as the build stages them."""
    book = tmp_path / "book"
    shutil.copytree(RENDER_BOOK, book)
    writer = ArtifactWriter(book / "artifacts", 7)
    notices.write_edition_notices(writer, borough=borough, synthetic=synthetic)
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    config["format"]["html"]["include-before-body"] = "artifacts/partials/notices.html"
    (book / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    variables = yaml.safe_load((book / "_variables.yml").read_text(encoding="utf-8"))
    variables.setdefault("edition", {})["data_notice"] = notices.data_notice(
        {"edition": {"data_notice": notices.synthetic_notice() if synthetic else ""}})
    (book / "_variables.yml").write_text(yaml.safe_dump(variables), encoding="utf-8")
    index = book / "index.qmd"
    lines = index.read_text(encoding="utf-8").splitlines()
    start = lines.index("---", 1) + 1  # after the front matter, which holds the page's title
    lines[start:start] = ["", "{{< include artifacts/partials/data-notice.qmd >}}", "",
                                      "{{< include artifacts/partials/get-help.qmd >}}", ""]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return book


@pytest.fixture(scope="module", params=[True, False], ids=["synthetic", "real"])
def rendered(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("notices")
    book = notice_book(folder, synthetic=request.param)
    return request.param, render_book(book, folder / "out", use_quarto=False)


def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    return {str(p.relative_to(site)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in site.rglob("*.html")}


def test_every_html_page_has_the_quick_exit_first_and_the_banner_only_for_synthetic_data(rendered):
    synthetic, outputs = rendered
    pages = html_pages(outputs["html"].parent)
    assert len(pages) >= 4
    for name, soup in pages.items():
        exit_link = soup.select_one("a.quick-exit-button")
        assert exit_link is not None, name
        assert exit_link["href"] == notices.QUICK_EXIT_URL and exit_link.get_text(strip=True) == "Exit this page"
        # Reached by keyboard straight after the skip link, before the header and navigation.
        links = soup.find_all("a")
        assert links[0]["class"] == ["skip-link"] and links[1] is exit_link, name
        assert "Shift" in soup.select_one(".quick-exit-hint").get_text()
        assert "location.replace" in soup.find("script").string
        banner = soup.select_one(".synthetic-banner")
        if synthetic:
            assert banner is not None, name
            assert banner.find_previous("header") is None  # above the site header, not in small print
            assert "must not be quoted" in banner.get_text()
        else:
            assert banner is None, name
            assert NOTICE_WORDS not in soup.get_text(), name


def test_the_pdf_says_synthetic_on_its_title_page_and_every_page_header_only_when_it_is(rendered):
    synthetic, outputs = rendered
    pages = [words(page.extract_text() or "") for page in pypdf.PdfReader(str(outputs["pdf"])).pages]
    with_notice = [number for number, text in enumerate(pages, start=1) if "made-up extracts" in text]
    if synthetic:
        assert with_notice == list(range(1, len(pages) + 1))
        title_page = pages[0]
        assert title_page.count("made-up extracts") == 2  # the header and the box under the title
    else:
        assert with_notice == []
        assert not any(NOTICE_WORDS in text for text in pages)


def test_the_word_file_says_synthetic_in_its_header_and_under_its_title_only_when_it_is(rendered):
    synthetic, outputs = rendered
    document = docx.Document(str(outputs["docx"]))
    headers = [p.text for section in document.sections for p in section.header.paragraphs]
    body = [p.text for p in document.paragraphs]
    if synthetic:
        assert document.sections and all(notices.synthetic_notice() in " ".join(
            p.text for p in section.header.paragraphs) for section in document.sections)
        title = next(i for i, p in enumerate(document.paragraphs) if p.style.name == "Title")
        assert body[title + 1] == notices.synthetic_notice()
    else:
        assert not any(NOTICE_WORDS in text for text in headers + body)


def test_the_get_help_box_is_near_the_start_of_every_format(rendered):
    _, outputs = rendered
    site_index = BeautifulSoup(outputs["html"].read_text(encoding="utf-8"), "html.parser")
    texts = {
        "html": words(site_index.find("main").get_text(" ")),
        "pdf": words(" ".join(p.extract_text() or "" for p in pypdf.PdfReader(str(outputs["pdf"])).pages[:4])),
        "docx": words(" ".join(p.text for p in docx.Document(str(outputs["docx"])).paragraphs[:40])),
    }
    for fmt, text in texts.items():
        assert "Get help now" in text, fmt
        assert "999" in text and "0808 2000 247" in text, fmt
        assert "Camden Safety Net: 020 7974 2526" in text, fmt


# -- contact, acknowledgements, accessibility -----------------------------------------------------------------


def test_a_borough_without_a_contact_file_gets_the_national_numbers_and_a_not_supplied_notice():
    help_box = notices.get_help_text(notices.load_contact("Hackney"))
    assert "999" in help_box and "0808 2000 247" in help_box and "Camden" not in help_box
    statement = notices.accessibility_contact_text("Hackney", None)
    assert "Hackney has not supplied its contact details" in statement and not text_faults(statement)
    thanks = notices.acknowledgements_text("Hackney", None, None)
    assert "Hackney has not supplied its acknowledgements" in thanks and "Camden" not in thanks


def test_camdens_acknowledgements_and_contact_come_from_its_files():
    contact = notices.load_contact("Camden")
    thanks = notices.acknowledgements_text("Camden", notices.load_acknowledgements("Camden"), contact)
    for name in ("Health and Wellbeing team", "Solace Women's Aid", "Hopscotch Women's Centre", "Woman's Trust",
                 "lived experience"):
        assert name in thanks
    assert f"mailto:{contact.email}" in thanks
    statement = notices.accessibility_contact_text("Camden", contact)
    assert contact.email in statement and contact.phone in statement and "5 Pancras Square" in statement


def test_a_broken_contact_file_is_rejected_naming_file_and_field(tmp_path):
    (tmp_path / "contact.yaml").write_text("team: Public Health\norganisation: Council\nemail: not-an-address\n"
                                           "last_updated: 2025-06-30\n", encoding="utf-8")
    with pytest.raises(notices.DataError, match=r"contact\.yaml: field 'email'"):
        notices.load_contact("Testham", tmp_path)


def test_the_accessibility_statement_and_acknowledgements_are_in_the_book():
    config = yaml.safe_load((project_root() / "_quarto.yml").read_text(encoding="utf-8"))
    chapters, appendices = config["book"]["chapters"], config["book"]["appendices"]
    assert chapters[-1] == "chapters/acknowledgements.qmd"
    assert appendices[-1] == "accessibility.qmd"
    assert config["format"]["html"]["include-before-body"] == "artifacts/partials/notices.html"
    statement = (project_root() / "accessibility.qmd").read_text(encoding="utf-8")
    for part in ("Accessibility Regulations 2018", "WCAG", "2.2", "Known issues", "another format",
                 "Equality Advisory and Support Service", "{{< var edition.built_on >}}",
                 "{{< include artifacts/partials/accessibility-contact.qmd >}}"):
        assert part in statement
    # Quarto reads a line that is only a var shortcode as a block shortcode.
    for path in ("accessibility.qmd", "chapters/acknowledgements.qmd", "index.qmd"):
        for line in (project_root() / path).read_text(encoding="utf-8").splitlines():
            assert not re.fullmatch(r"\{\{<\s*var .*>\}\}", line.strip()), f"{path}: {line}"


# -- the whole synthetic build (shared fixture) -------------------------------------------------------------


def test_the_default_synthetic_build_says_so_in_all_three_formats(built_edition):
    outputs = built_edition.outputs
    for name, soup in html_pages(outputs["html"].parent).items():
        assert soup.select_one(".synthetic-banner") is not None, name
        assert soup.select_one("a.quick-exit-button") is not None, name
    first = words(pypdf.PdfReader(str(outputs["pdf"])).pages[0].extract_text() or "")
    assert "made-up extracts" in first
    document = docx.Document(str(outputs["docx"]))
    assert notices.synthetic_notice() in " ".join(p.text for p in document.sections[0].header.paragraphs)
