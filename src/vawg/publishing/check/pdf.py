"""The PDF's accessibility structure, read with pikepdf (veraPDF is not available here).

Checked: the document is tagged (``/MarkInfo /Marked true``) with a structure tree; its
language (``/Lang``) and title (document information or XMP) are set and viewers are asked
to show the title (``/ViewerPreferences /DisplayDocTitle``); bookmarks exist; there are
headings; every ``Figure`` has alt text (``/Alt``); every ``Table`` has header cells
(``TH``); the structure tree follows the pages in order; and every piece of content drawn on
a page (text, images, vector graphics) is either tagged (inside marked content with an MCID)
or marked as an artifact — an untagged figure is invisible to a screen reader.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf

from vawg.publishing.check.results import WARNING, Section

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
PATH_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
HEADING_TAGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


def check_pdf(path: Path, where: str, section: Section) -> None:
    """Add a finding to ``section`` for every accessibility fault of the PDF at ``path``."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as error:
        section.add("pdf-unreadable", where, path.name, f"cannot open the PDF: {error}")
        return
    with pdf:
        root = pdf.Root
        _check_catalogue(pdf, where, section)
        tree = root.get("/StructTreeRoot")
        if tree is None:
            section.add("pdf-structure-tree", where, "/Root/StructTreeRoot",
                        "the PDF has no structure tree: it is untagged, so screen readers get no headings, "
                        "figures or tables")
            elements: list[tuple[str, pikepdf.Dictionary, str]] = []
        else:
            elements = list(_walk(tree, _role_map(tree)))
            _check_elements(pdf, elements, where, section)
        _check_marked_content(pdf, where, section)
        section.checked.append(
            f"{len(pdf.pages)} pages, {len(elements)} structure elements "
            f"({sum(1 for tag, _, _ in elements if tag == '/Figure')} figures, "
            f"{sum(1 for tag, _, _ in elements if tag == '/Table')} tables)"
        )


def _check_catalogue(pdf: pikepdf.Pdf, where: str, section: Section) -> None:
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    if mark_info is None or mark_info.get("/Marked") is not True:
        section.add("pdf-tagged", where, "/Root/MarkInfo", "the PDF is not marked as tagged (/MarkInfo /Marked true)")
    lang = str(root.get("/Lang", "")).strip()
    if not lang:
        section.add("pdf-lang", where, "/Root/Lang", "the document language is not set")
    title = str(pdf.docinfo.get("/Title", "")).strip() if pdf.docinfo is not None else ""
    if not title:
        with pdf.open_metadata() as metadata:
            title = str(metadata.get("dc:title", "") or "").strip()
    if not title:
        section.add("pdf-title", where, "/Info/Title", "the document has no title")
    preferences = root.get("/ViewerPreferences")
    if preferences is None or preferences.get("/DisplayDocTitle") is not True:
        section.add("pdf-display-title", where, "/Root/ViewerPreferences/DisplayDocTitle",
                    "viewers are not asked to show the title instead of the file name")
    outlines = root.get("/Outlines")
    if outlines is None or outlines.get("/First") is None:
        section.add("pdf-bookmarks", where, "/Root/Outlines", "the PDF has no bookmarks")
    if root.get("/PageLabels") is None:
        section.add("pdf-page-labels", where, "/Root/PageLabels",
                    "no page labels: the page numbers a viewer shows may not match the printed ones", WARNING)
    with pdf.open_metadata() as metadata:
        if not str(metadata.get("pdfuaid:part", "") or ""):
            section.add("pdf-ua-identifier", where, "XMP pdfuaid:part",
                        "the PDF does not declare PDF/UA conformance", WARNING)


def _role_map(tree: pikepdf.Dictionary) -> dict[str, str]:
    roles = tree.get("/RoleMap")
    return {str(key): str(value) for key, value in roles.items()} if roles is not None else {}


def _standard(tag: str, roles: dict[str, str]) -> str:
    seen = set()
    while tag in roles and tag not in seen:
        seen.add(tag)
        tag = roles[tag]
    return tag


def _walk(node: pikepdf.Object, roles: dict[str, str], path: str = ""):
    """Depth-first (document order): (standard tag, element, path) for every structure element."""
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return
    children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    counts: Counter[str] = Counter()
    for child in children:
        if not isinstance(child, pikepdf.Dictionary) or "/S" not in child:
            continue  # an MCID, a marked-content or object reference
        tag = _standard(str(child.S), roles)
        counts[tag] += 1
        child_path = f"{path}/{tag[1:]}[{counts[tag]}]"
        yield tag, child, child_path
        yield from _walk(child, roles, child_path)


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}


def _check_elements(pdf: pikepdf.Pdf, elements: list, where: str, section: Section) -> None:
    tags = Counter(tag for tag, _, _ in elements)
    if not any(tags[tag] for tag in HEADING_TAGS):
        section.add("pdf-headings", where, "/StructTreeRoot", "the structure tree has no headings (H1–H6)")
    pages = _page_numbers(pdf)
    last_page, last_path = 0, ""
    for tag, element, path in elements:
        page_ref = element.get("/Pg")
        page = pages.get(page_ref.objgen) if isinstance(page_ref, pikepdf.Dictionary) else None
        in_toc = "/TOC" in path
        if page is not None and not in_toc and tag in HEADING_TAGS | {"/Figure", "/Table", "/P"}:
            if page < last_page:
                section.add("pdf-reading-order", where, path,
                            f"on page {page} but comes after {last_path} on page {last_page} in the structure tree",
                            WARNING)
            last_page, last_path = max(last_page, page), path
        location = f"{path}" + (f" (page {page})" if page else "")
        if tag == "/Figure":
            alt = str(element.get("/Alt", "") or element.get("/ActualText", "")).strip()
            if not alt:
                section.add("pdf-figure-alt", where, location, "the figure has no alternative text (/Alt)")
        elif tag == "/Table":
            headers = [t for t, _, p in elements if p.startswith(path + "/") and t == "/TH"]
            if not headers:
                section.add("pdf-table-headers", where, location, "the table has no header cells (TH)")


def _check_marked_content(pdf: pikepdf.Pdf, where: str, section: Section) -> None:
    """Everything drawn must be tagged content (an MCID) or an artifact."""
    for number, page in enumerate(pdf.pages, start=1):
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError as error:
            section.add("pdf-content", where, f"page {number}", f"cannot read the page's content: {error}")
            continue
        xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
        stack: list[bool] = []  # True: inside tagged content or an artifact
        untagged: Counter[str] = Counter()
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                if not any(stack):
                    untagged["inline image"] += 1
                continue
            operator = str(instruction.operator)
            operands = instruction.operands
            if operator == "BMC":
                stack.append(str(operands[0]) == "/Artifact")
            elif operator == "BDC":
                properties = operands[1]
                if isinstance(properties, pikepdf.Name):  # named in the page's /Properties
                    properties = page.obj.get("/Resources", {}).get("/Properties", {}).get(properties, {})
                has_mcid = isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                stack.append(str(operands[0]) == "/Artifact" or has_mcid)
            elif operator == "EMC":
                if stack:
                    stack.pop()
            elif not any(stack):
                if operator in TEXT_OPERATORS:
                    untagged["text"] += 1
                elif operator in PATH_PAINTING or operator == "sh":
                    untagged["vector graphics"] += 1
                elif operator == "Do":
                    xobject = xobjects.get(operands[0]) if xobjects is not None else None
                    subtype = str(xobject.get("/Subtype", "")) if xobject is not None else ""
                    untagged["image" if subtype == "/Image" else "graphic (form XObject)"] += 1
        for kind, count in untagged.items():
            section.add("pdf-untagged-content", where, f"page {number}: {count} × {kind}",
                        "drawn outside any tag or artifact: screen readers skip it"
                        + (" (a figure without a Figure tag)" if "image" in kind or "graphic" in kind else ""))
