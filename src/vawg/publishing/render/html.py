"""The HTML site: one page per chapter and appendix, from one pandoc pass over the book.

Pandoc converts the whole book to its JSON AST once (so figure and table numbers
run through the book), the AST is split on the ``.vawg-file`` divs, and each page
is written with our template (``templates/html/page.html``). BeautifulSoup then
does what pandoc does not: ``scope`` on header cells, keyboard-scrollable table
regions, and links between pages, with every local link checked and every
referenced file copied into the site.
"""

from __future__ import annotations

import copy
import json
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from vawg.foundations.errors import RenderError
from vawg.publishing.render.pandoc import book_to, run_pandoc
from vawg.publishing.render.sources import Book

FRONT_PAGE = "index.html"
ACCESSIBILITY_SOURCE = "accessibility.qmd"  # linked from every page's footer
STYLESHEET = "assets/vawg.css"
URL_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src", "object": "data"}


@dataclass
class Page:
    """One HTML page of the site."""

    href: str  # site-relative, e.g. "chapters/03-local-picture.html"
    title: str  # for the navigation and <title>
    source: str | None  # project-relative .qmd, None for a generated front page
    section: str = "chapters"
    part: str | None = None
    blocks: list[Any] = field(default_factory=list)

    @property
    def is_front(self) -> bool:
        return self.href == FRONT_PAGE


def render_html(book: Book, markdown: str, site_dir: Path, templates_dir: Path) -> Path:
    """Write the HTML site for ``book`` into ``site_dir`` and return its ``index.html``.

    Parameters
    ----------
    book : Book
    markdown : str
        The combined book from :func:`vawg.publishing.render.sources.combined_markdown`.
    site_dir : Path
        Output folder; emptied first.
    templates_dir : Path
        Folder holding ``html/page.html``, ``html/nav-item.html`` and ``html/vawg.css``.

    Raises
    ------
    RenderError
        If a page has no or several level-1 headings, or a local link or image does
        not resolve to a file.
    """
    ast = json.loads(book_to(book, markdown, "html", what="HTML site"))
    pages = _split_pages(ast)

    if site_dir.exists():
        shutil.rmtree(site_dir)
    (site_dir / STYLESHEET).parent.mkdir(parents=True)
    _write_stylesheet(templates_dir / "html", site_dir / STYLESHEET)

    before_body = include_before_body(book)
    rendered = {
        page.href: _render_page(book, ast, pages, index, templates_dir, before_body) for index, page in enumerate(pages)
    }
    _finish_pages(book, pages, rendered, site_dir)
    return site_dir / FRONT_PAGE


def _split_pages(ast: dict[str, Any]) -> list[Page]:
    pages: list[Page] = []
    for block in ast["blocks"]:
        if block["t"] != "Div":
            continue
        (_, classes, pairs), content = block["c"]
        if "vawg-file" not in classes:
            continue
        attributes = dict(pairs)
        source = attributes["path"]
        href = FRONT_PAGE if source == "index.qmd" else posixpath.splitext(source)[0] + ".html"
        title = attributes.get("title") or ("Home" if href == FRONT_PAGE else posixpath.basename(source))
        pages.append(Page(href, title, source, attributes.get("section", "chapters"), attributes.get("part"), content))
    if not any(page.is_front for page in pages):
        # Quarto books need index.qmd; without one the front page is generated.
        pages.insert(0, Page(FRONT_PAGE, "Home", None))
    else:  # the front page comes first whatever its place in _quarto.yml
        pages.sort(key=lambda page: not page.is_front)
    return pages


def _relative(from_page: str, to_path: str) -> str:
    """URL of site path ``to_path`` as seen from page ``from_page``."""
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")


def _meta(value: Any) -> dict[str, Any]:
    """Python value as pandoc JSON metadata (strings stay literal text)."""
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, str):
        return {"t": "MetaString", "c": value}
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta(item) for item in value]}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {key: _meta(item) for key, item in value.items() if item is not None}}
    raise TypeError(value)


def _navigation(pages: list[Page], current: Page) -> list[dict[str, Any]]:
    """Pages grouped by Quarto part (and "Appendices"), as template metadata."""
    groups: list[dict[str, Any]] = []
    previous_key = None
    for page in pages:
        group_title = page.part or ("Appendices" if page.section == "appendices" else None)
        key = (page.section, page.part)
        if not groups or key != previous_key:
            groups.append({"title": group_title, "pages": []})
            previous_key = key
        groups[-1]["pages"].append(
            {"title": page.title, "href": _relative(current.href, page.href), "current": page is current}
        )
    return groups


def include_before_body(book: Book) -> list[str]:
    """The HTML of ``format: html: include-before-body:`` files, as Quarto puts them at the top of every page.

    The build writes ``artifacts/partials/notices.html`` there (quick exit, synthetic-data banner);
    a file listed but missing is an error, as it is to Quarto.
    """
    listed = book.format_option("html", "include-before-body") or []
    texts = []
    for name in [listed] if isinstance(listed, str) else listed:
        path = book.project_dir / str(name)
        if not path.is_file():
            raise RenderError(f"_quarto.yml: format.html.include-before-body: {name} not found in {book.project_dir}")
        texts.append(path.read_text(encoding="utf-8"))
    return texts


def _render_page(book: Book, ast: dict[str, Any], pages: list[Page], index: int, templates_dir: Path,
                 before_body: list[str] | None = None) -> str:
    page = pages[index]
    statement = next((other for other in pages if other.source == ACCESSIBILITY_SOURCE), None)

    def link(other: Page) -> dict[str, str]:
        return {"title": other.title, "href": _relative(page.href, other.href)}

    metadata = {
        "lang": book.lang,
        "pagetitle": page.title,
        "page-heading": None if page.is_front else page.title,
        "book-title": book.title,
        "book-subtitle": book.subtitle,
        "book-author": book.author,
        "book-date": book.date,
        "front-page": page.is_front,
        "css": _relative(page.href, STYLESHEET),
        "home": _relative(page.href, FRONT_PAGE),
        "nav-groups": _navigation(pages, page),
        "previous": link(pages[index - 1]) if index > 0 else None,
        "next": link(pages[index + 1]) if index + 1 < len(pages) else None,
        "accessibility": link(statement) if statement is not None and statement is not page else None,
    }
    meta = {key: _meta(value) for key, value in metadata.items() if value is not None}
    if before_body:  # raw HTML blocks: a MetaString would be escaped
        meta["include-before"] = {"t": "MetaList", "c": [
            {"t": "MetaBlocks", "c": [{"t": "RawBlock", "c": ["html", text]}]} for text in before_body]}
    document = {
        "pandoc-api-version": ast["pandoc-api-version"],
        "meta": meta,
        "blocks": page.blocks,
    }
    args = ["--from=json", "--to=html5", "--wrap=none", f"--template={templates_dir / 'html' / 'page.html'}"]
    if page.is_front:
        args.append("--shift-heading-level-by=1")  # the book title is the front page's <h1>
    else:
        args += book.toc_args("html", depth=3)
    return run_pandoc(args, cwd=book.project_dir, what=f"HTML page {page.href}", input_text=json.dumps(document))


def _finish_pages(book: Book, pages: list[Page], rendered: dict[str, str], site_dir: Path) -> None:
    soups = {href: BeautifulSoup(html, "html.parser") for href, html in rendered.items()}
    page_of_id: dict[str, str] = {}
    for href, soup in soups.items():
        for element in soup.find_all(id=True):
            page_of_id.setdefault(element["id"], href)

    copied: set[str] = set()
    for page in pages:
        soup = soups[page.href]
        _check_one_h1(soup, page)
        _mark_header_cells(soup)
        _align_by_class(soup)
        _make_tables_scrollable(soup)
        for caption in soup.find_all("figcaption", attrs={"aria-hidden": True}):
            del caption["aria-hidden"]  # pandoc hides captions equal to the alt; ours differ
        copied |= _resolve_links(book, soup, page.href, soups, page_of_id)
        copied |= _add_narrow_renders(book, soup, page.href)
        target = site_dir / page.href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(soup), encoding="utf-8")

    for path in sorted(copied):
        destination = site_dir / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(book.project_dir / path, destination)


def _check_one_h1(soup: BeautifulSoup, page: Page) -> None:
    count = len(soup.find_all("h1"))
    if count != 1:
        raise RenderError(
            f"{page.source or 'front page'}: HTML page {page.href} has {count} level-1 headings; "
            "a chapter needs exactly one '# ' heading (or a title: in its front matter)"
        )


def _mark_header_cells(soup: BeautifulSoup) -> None:
    for table in soup.find_all("table"):
        head = table.find("thead")
        if head is not None:
            for row in head.find_all("tr"):
                if not row.get_text(strip=True):
                    row.decompose()  # an empty header row is noise to a screen reader
            if not head.find("tr"):
                head.decompose()
            else:
                for cell in head.find_all("th"):
                    cell["scope"] = "col"
        for body in table.find_all("tbody"):
            for row in body.find_all("tr", recursive=False):
                first = row.find(["td", "th"], recursive=False)
                if first is not None and first.name == "td" and table.find("thead") is not None:
                    first.name = "th"  # the row's label: read out with every cell of the row
            for cell in body.find_all("th"):
                cell.attrs.setdefault("scope", "row")


ALIGN_CLASSES = {"right": "num", "center": "centre"}  # templates/html/vawg.css; left is every cell's default


def _align_by_class(soup: BeautifulSoup) -> None:
    """Pandoc aligns each cell with its own ``style="text-align: ..."``: a class says it in a third of the
    bytes (Chapter 3's tables carry some 15,000 cells), and left, the stylesheet's default, needs nothing."""
    for cell in soup.find_all(["td", "th"], style=True):
        style = cell["style"].strip()
        if not style.startswith("text-align:") or ";" in style.rstrip(";"):
            continue
        align = style.split(":", 1)[1].strip(" ;")
        del cell["style"]
        if align in ALIGN_CLASSES:
            cell["class"] = cell.get("class", []) + [ALIGN_CLASSES[align]]


# Only a table wider than its box needs to be a focusable scroll region: the script takes the
# role and tab stop off the others (and puts them back when a narrower window makes them scroll).
# Without scripts every table keeps them, so a wide one can still be scrolled by keyboard.
SCROLL_SCRIPT = """(function () {
  function mark() {
    document.querySelectorAll('.table-scroll').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute('role', 'region'); box.setAttribute('tabindex', '0');
        box.setAttribute('aria-labelledby', box.dataset.labelledby);
      } else {
        box.removeAttribute('role'); box.removeAttribute('tabindex'); box.removeAttribute('aria-labelledby');
      }
    });
  }
  window.addEventListener('load', mark);
  window.addEventListener('resize', mark);
})();"""


def _make_tables_scrollable(soup: BeautifulSoup) -> None:
    """Wrap tables in a labelled region that scrolls sideways, with the caption shown above it.

    The caption stays in the table for screen readers (visually hidden) and is shown once
    more, hidden from them, above the scroll box, so it wraps at any width (WCAG 1.4.10).
    """
    tables = soup.find_all("table")
    for number, table in enumerate(tables, start=1):
        region = soup.new_tag("div", attrs={"class": "table-scroll", "role": "region", "tabindex": "0"})
        caption = table.find("caption")
        label_id = f"{table.get('id') or f'table-{number}'}-caption"
        if caption is not None:
            label_id = caption.get("id") or label_id
            caption["id"] = label_id
            shown = soup.new_tag("p", attrs={"class": "table-caption", "aria-hidden": "true"})
            for child in list(caption.children):
                shown.append(copy.copy(child))
            caption["class"] = caption.get("class", []) + ["visually-hidden"]
        else:
            label = soup.new_tag("span", attrs={"id": label_id, "class": "visually-hidden"})
            label.string = "Table"
            table.insert_before(label)
            shown = None
        region["aria-labelledby"] = region["data-labelledby"] = label_id
        table.wrap(region)
        if shown is not None:
            region.insert_before(shown)
    if tables and soup.body is not None and soup.find("script", id="vawg-table-scroll") is None:
        script = soup.new_tag("script", attrs={"id": "vawg-table-scroll"})
        script.string = SCROLL_SCRIPT
        soup.body.append(script)


def _resolve_links(
    book: Book, soup: BeautifulSoup, page_href: str, soups: dict[str, BeautifulSoup], page_of_id: dict[str, str]
) -> set[str]:
    """Make local URLs page-relative, check they resolve, and return files to copy.

    URLs starting with "/" are project-relative (the Lua filter writes them so);
    other relative URLs are relative to the page, whose folder mirrors the .qmd's.
    """
    to_copy: set[str] = set()
    page_ids = {element["id"] for element in soup.find_all(id=True)}
    for tag in soup.find_all(list(URL_ATTRIBUTES)):
        attribute = URL_ATTRIBUTES[tag.name]
        url = tag.get(attribute)
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue  # external
        fragment = parts.fragment
        if not parts.path:  # "#anchor"
            if fragment in page_ids:
                continue
            if fragment not in page_of_id:
                raise RenderError(f"HTML {page_href}: link to #{fragment}: no page has this id")
            tag[attribute] = _relative(page_href, page_of_id[fragment]) + "#" + fragment
            continue
        if parts.path.startswith("/"):
            path = posixpath.normpath(unquote(parts.path).lstrip("/"))
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page_href), unquote(parts.path)))
        if path in soups:
            if fragment and not soups[path].find(id=fragment):
                raise RenderError(f"HTML {page_href}: link to {url}: {path} has no id {fragment!r}")
        elif (book.project_dir / path).is_file():
            to_copy.add(path)
        else:
            raise RenderError(f"HTML {page_href}: {tag.name} {attribute}={url!r}: {path} not found in the project")
        tag[attribute] = _relative(page_href, path) + (f"#{fragment}" if fragment else "")
    return to_copy


NARROW_SUFFIX = ".narrow.svg"  # vawg.writing.artifacts.FIGURE_FILES
MEDIUM_SUFFIX = ".medium.svg"
# Which render a screen gets (the first <source> whose media matches, else the <img>). Keep in step with
# templates/html/vawg.css (its phone rules share NARROW_SCREEN) and with text_column_px below.
NARROW_SCREEN = "(max-width: 40rem)"  # a phone: the chart takes the whole width of the page
MEDIUM_SCREEN = "(max-width: 67.99rem)"  # the text column is narrower than its 48rem (768 px)
RENDERS = ((NARROW_SUFFIX, NARROW_SCREEN), (MEDIUM_SUFFIX, MEDIUM_SCREEN))

# The page's layout in CSS px (templates/html/vawg.css; tests/publishing/test_site_charts.py reads them from it): the
# layout's padding (1rem on a phone), the gap between the contents and the text, the contents' and the text's
# flex bases, the text column's and the whole layout's largest width, and a phone chart's largest width.
LAYOUT_PADDING_PX, PHONE_PADDING_PX, GAP_PX = 24, 16, 32
SIDEBAR_BASIS_PX, MAIN_BASIS_PX, MAIN_MAX_PX, LAYOUT_MAX_PX = 224, 480, 768, 1280
PHONE_CHART_MAX_PX = 432
PHONE_MAX_PX, MEDIUM_MAX_PX = 640, 1087.84  # NARROW_SCREEN and MEDIUM_SCREEN, at 16 px a rem


def text_column_px(viewport_px: float, scrollbar_px: float = 0) -> float:
    """How wide the text column (``main``) is in a window ``viewport_px`` wide, as vawg.css lays it out.

    The contents (flex 1, basis 14rem) and the text (flex 999, basis 30rem, at most 48rem) share a line when
    both bases and the gap fit, the text taking nearly all that is left over; otherwise the text has the
    line to itself. A classic scrollbar takes its width off the layout but not off the media queries.
    """
    phone = viewport_px <= PHONE_MAX_PX
    padding = PHONE_PADDING_PX if phone else LAYOUT_PADDING_PX
    inner = min(viewport_px - scrollbar_px, LAYOUT_MAX_PX) - 2 * padding
    if inner >= SIDEBAR_BASIS_PX + GAP_PX + MAIN_BASIS_PX:
        free = inner - SIDEBAR_BASIS_PX - GAP_PX - MAIN_BASIS_PX
        return min(MAIN_MAX_PX, MAIN_BASIS_PX + free * 999 / 1000)
    return min(MAIN_MAX_PX, inner)


CARD_INSET_PX, CARD_PHONE_INSET_PX, CARD_WIDE_FROM_PX = 55, 39, 768  # templates/html/cards.css


def chart_width_px(viewport_px: float, intrinsic_px: float, *, in_card: bool = False, scrollbar_px: float = 0) -> float:
    """How wide a chart's picture is drawn: its own width, or its box's if narrower; on a phone, its box's up to
    :data:`PHONE_CHART_MAX_PX` (vawg.css: ``picture img { width: 100%; max-width: 27rem }``). Its box is the
    text column, less a service card's padding and border for a chart inside one."""
    box = text_column_px(viewport_px, scrollbar_px)
    if in_card:
        box -= CARD_INSET_PX if viewport_px >= CARD_WIDE_FROM_PX else CARD_PHONE_INSET_PX
    if viewport_px <= PHONE_MAX_PX:
        return min(box, PHONE_CHART_MAX_PX)
    return min(box, intrinsic_px)


def render_shown(viewport_px: float) -> str:
    """The suffix of the render a window ``viewport_px`` wide shows: NARROW_SUFFIX, MEDIUM_SUFFIX or ".svg"."""
    if viewport_px <= PHONE_MAX_PX:
        return NARROW_SUFFIX
    return MEDIUM_SUFFIX if viewport_px <= MEDIUM_MAX_PX else ".svg"


def _add_narrow_renders(book: Book, soup: BeautifulSoup, page_href: str) -> set[str]:
    """Show a chart's narrower renders where its text column is narrower: ``<picture>`` with a ``<source>``
    for a phone and one for a window whose text column is under 48rem.

    The wide chart shrunk to a phone's width would print its text at a third of its size, and at two thirds
    beside the contents in a 50rem window; the narrower renders (vawg.writing.charts.narrow) keep it at 12 px.
    Returns the files to copy into the site.
    """
    to_copy = set()
    for image in soup.find_all("img"):
        src = image.get("src") or ""
        if (not src.endswith(".svg") or any(src.endswith(suffix) for suffix, _ in RENDERS)
                or image.find_parent("picture") is not None):
            continue
        sources = []
        for suffix, media in RENDERS:
            other = src[: -len(".svg")] + suffix
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page_href), unquote(other)))
            if (book.project_dir / path).is_file():
                sources.append((other, media))
                to_copy.add(path)
        if not sources:
            continue
        picture = soup.new_tag("picture")
        image.wrap(picture)
        for other, media in sources:
            image.insert_before(soup.new_tag("source", attrs={"media": media, "srcset": other, "type": "image/svg+xml"}))
    return to_copy


def _write_stylesheet(html_templates: Path, target: Path) -> None:
    """One stylesheet for the site: vawg.css, then each component's (e.g. cards.css) in name order."""
    sheets = [html_templates / "vawg.css"] + sorted(p for p in html_templates.glob("*.css") if p.name != "vawg.css")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets), encoding="utf-8")
