"""``vawg check``: is the last build accessible? Builds nothing; inspects what is there.

The site is checked with axe-core in headless Chromium and by reading its HTML; the
PDF's structure tree with pikepdf; the Word file with python-docx; the colours of the
stylesheet, the chart palette and the charts for contrast; the text of every format for
repository paths, identifiers, empty values and placeholders (:mod:`vawg.publishing.check.published`).
Every problem names the file or page and the element.

>>> from vawg.publishing.check import check_edition                      # doctest: +SKIP
>>> report = check_edition(Path("build/camden-2024-12-31"))   # doctest: +SKIP
>>> report.passed                                             # doctest: +SKIP
True
"""

from __future__ import annotations

from pathlib import Path

import yaml

from vawg.publishing.check.results import ERROR, WARNING, CheckReport, Finding, Section

__all__ = ["CheckReport", "Finding", "Section", "ERROR", "WARNING", "check_edition", "output_dir_of"]

SITE_BROWSER = "Website: axe-core, reflow and keyboard in Chromium"
SITE_STRUCTURE = "Website: landmarks, headings, figures and tables"
PDF = "PDF"
WORD = "Word"
COLOURS = "Colour contrast"
PUBLISHED_TEXT = "Published text: no repository path, identifier, empty value or placeholder"


def output_dir_of(edition_dir: Path) -> Path:
    """The published outputs of an edition: ``<edition>/output`` (or the folder itself if it holds them)."""
    edition_dir = Path(edition_dir)
    if (edition_dir / "output").is_dir():
        return edition_dir / "output"
    return edition_dir


def _language(edition_dir: Path) -> str:
    config = Path(edition_dir) / "project" / "_quarto.yml"
    if config.is_file():
        try:
            return str((yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("lang") or "en-GB")
        except yaml.YAMLError:
            pass
    return "en-GB"


def check_edition(edition_dir: Path, *, browser: bool = True) -> CheckReport:
    """Check the site, PDF and Word file of one built edition.

    Parameters
    ----------
    edition_dir : Path
        ``build/<edition>`` (the folder holding ``output/``), or an output folder itself.
    browser : bool
        Run the Chromium checks (axe-core, reflow, keyboard). With ``False`` that section is
        reported as not run, so the report fails: only tests of the other checks turn it off.

    Returns
    -------
    CheckReport
        One section per output; :attr:`CheckReport.passed` is False on any error, on a
        missing output and on a check that could not run (no Chromium).
    """
    from vawg.publishing.check.axe import check_site_in_browser
    from vawg.publishing.check.colours import check_colours
    from vawg.publishing.check.docx import check_docx
    from vawg.publishing.check.html import check_site
    from vawg.publishing.check.pdf import check_pdf
    from vawg.publishing.check.published import check_published_text

    output = output_dir_of(edition_dir)
    report = CheckReport(Path(edition_dir))
    site = output / "site"

    browser_section = Section(SITE_BROWSER, "site/")
    structure = Section(SITE_STRUCTURE, "site/")
    if not (site / "index.html").is_file():
        browser_section.not_run = structure.not_run = f"no website in {output} (site/index.html)"
    else:
        check_site(site, output, structure)
        if browser:
            check_site_in_browser(site, output, browser_section)
        else:
            browser_section.not_run = "browser checks turned off"
    report.sections += [browser_section, structure]

    pdf_section = Section(PDF, "report.pdf")
    if (output / "report.pdf").is_file():
        check_pdf(output / "report.pdf", "report.pdf", pdf_section)
    else:
        pdf_section.not_run = f"no report.pdf in {output}"
    report.sections.append(pdf_section)

    word_section = Section(WORD, "report.docx")
    if (output / "report.docx").is_file():
        check_docx(output / "report.docx", "report.docx", word_section, lang=_language(edition_dir))
    else:
        word_section.not_run = f"no report.docx in {output}"
    report.sections.append(word_section)

    report.sections.append(check_colours(output))
    text_section = Section(PUBLISHED_TEXT, "site/, report.pdf, report.docx")
    check_published_text(output, text_section)
    report.sections.append(text_section)
    return report
