"""The whole needs assessment (issue 12): every part of the reference edition, in its order, in all three formats,
and a borough without content of its own shown none of Camden's."""

from __future__ import annotations

import re

import pypdf
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn

# The reference edition's parts, in its order (Camden's 2025 needs assessment), then the notices a council adds.
PARTS = [
    "About this report",
    "Executive summary",
    "Background",                                        # Chapter 1
    "Policy context and best practice",                  # Chapter 2
    "The local picture",                                 # Chapter 3
    "Local response",                                    # Chapter 4
    "Stakeholder views",                                 # Chapter 5
    "Recommendations",                                   # Chapter 6
    "Acknowledgements",
    "Appendix 1: glossary and abbreviations",
    "Appendix 2: related services",
    "Appendix 3: recommendations from stakeholder groups",
    "Appendix 4: further documents",
    "Appendix 5: legislation, guidance and policies",
    "Appendix 6: quantitative methods",
    "References",
    "Accessibility statement",
]
DIVIDER = "Appendices"  # the PDF and Word contents group the appendices under it


def test_every_part_is_in_the_website_pdf_and_word_contents_in_the_reference_editions_order(built_edition):
    site = built_edition.outputs["html"].parent
    navigation = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml").find("nav")
    assert [link.get_text(" ", strip=True) for link in navigation.find_all("a")] == PARTS
    for link in navigation.find_all("a"):  # each entry is a page headed by the part (the home page under the title)
        target = BeautifulSoup((site / link["href"]).read_text(encoding="utf-8"), "lxml")
        headings = [heading.get_text(" ", strip=True) for heading in target.find_all(["h1", "h2"])[:3]]
        assert link.get_text(" ", strip=True) in headings, (link["href"], headings)

    outline = [item.title for item in pypdf.PdfReader(str(built_edition.outputs["pdf"])).outline
               if not isinstance(item, list)]
    assert [title for title in outline if title != DIVIDER] == PARTS

    body = Document(str(built_edition.outputs["docx"])).element.body
    contents = []
    for paragraph in body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) == "TOC1":
            contents.append("".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip())
    assert [entry for entry in contents if entry != DIVIDER] == PARTS


# Pages a borough's own content fills; Chapter 3 is checked in test_build.py and test_supply.py.
CONTENT_PAGES = {
    "chapters/04-local-response.html": "its account of the local response",
    "chapters/05-stakeholder-views.html": "a record of its engagement",
    "chapters/06-recommendations.html": "its recommendations",
    "appendices/a2-additional-services.html": "its service cards",
    "appendices/a3-stakeholder-recommendations.html": "the recommendations people made during its engagement",
}
CAMDENS_CONTENT = ("Camden", "Solace", "Hopscotch", "Housing First", "We Make Camden")


def test_a_borough_without_content_gets_none_of_camdens_in_chapters_4_to_6_and_appendices_2_and_3(hackney_edition):
    edition, _ = hackney_edition
    site = edition.outputs["html"].parent
    for name, missing in CONTENT_PAGES.items():
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "lxml")
        main = soup.find("main") or soup
        text = " ".join(main.get_text(" ").replace("\u2019", "'").split())
        assert f"Hackney has not supplied {missing}" in text, name
        shown = [word for word in CAMDENS_CONTENT if re.search(rf"\b{re.escape(word)}\b", text)]
        assert not shown, f"{name} shows Camden's content: {shown}"
