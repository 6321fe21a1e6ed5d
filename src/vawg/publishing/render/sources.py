"""Read a Quarto book project and combine its sources into one pandoc Markdown text.

Quarto resolves ``{{< var >}}`` and ``{{< include >}}`` shortcodes before pandoc
sees the text; no Python library does that, so this module does the same small job
by hand: it reads ``_quarto.yml`` and ``_variables.yml``, expands each book file,
and wraps every chapter and appendix in a fenced div that remembers where it came
from (the Lua filters use that to resolve image paths and name files in errors).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import yaml

from vawg.foundations.errors import RenderError

# Quarto's escaped form ``{{{< var x >}}}`` stands for the literal text ``{{< var x >}}``.
SHORTCODE = re.compile(r"(\{)?\{\{<\s*(?P<name>[\w-]+)(?P<args>[^>]*?)\s*>\}\}(\})?")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*\r?\n?", re.DOTALL | re.MULTILINE)
# Quarto's {{< pagebreak >}}: raw blocks that only Word and typst keep.
PAGE_BREAK = '\n\n```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```\n\n```{=typst}\n#pagebreak()\n```\n\n'
# Characters that start markup in pandoc Markdown (emphasis, links, raw HTML, math,
# citations, attributes, tables, quotes ending an attribute value).
MARKDOWN_ACTIVE = frozenset('\\`*_[]<>#|~^$@{}"')
LEADING_LIST_MARKER = re.compile(r"^(\d*)([-+.):])(?=\s|$)")
# A fence longer than any an author writes, so the wrapper never closes the author's divs.
FILE_FENCE = ":" * 24


@dataclass(frozen=True)
class BookFile:
    """One chapter or appendix listed in ``_quarto.yml``.

    Attributes
    ----------
    path : str
        Project-relative POSIX path, e.g. ``"chapters/03-local-picture.qmd"``.
    section : str
        ``"chapters"`` or ``"appendices"``.
    part : str or None
        Title of the ``part:`` the file sits in, if any.
    """

    path: str
    section: str
    part: str | None = None

    @property
    def page(self) -> str:
        """Site-relative HTML page for this file, mirroring Quarto's layout."""
        return str(PurePosixPath(self.path).with_suffix(".html"))


@dataclass
class Book:
    """Everything ``_quarto.yml`` and ``_variables.yml`` say about the book.

    Attributes
    ----------
    project_dir : Path
        Root of the Quarto project.
    title, subtitle, author, date : str or None
        Book metadata with ``{{< var >}}`` already resolved (plain text).
    lang : str
        BCP 47 language tag, ``en-GB`` unless ``_quarto.yml`` says otherwise.
    files : list of BookFile
        Chapters then appendices, in book order.
    formats : dict
        ``format:`` options from ``_quarto.yml`` keyed by format name.
    variables : dict
        Contents of ``_variables.yml``.
    """

    project_dir: Path
    title: str
    subtitle: str | None
    author: str | None
    date: str | None
    lang: str
    files: list[BookFile]
    formats: dict[str, dict[str, Any]]
    variables: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)
    bibliography: list[str] = field(default_factory=list)  # project-relative, from ``bibliography:``
    csl: str | None = None

    def format_option(self, fmt: str, key: str, default: Any = None) -> Any:
        """Return ``format: <fmt>: <key>`` from ``_quarto.yml``, or ``default``."""
        options = self.formats.get(fmt) or {}
        return options.get(key, default)

    def toc_args(self, fmt: str, depth: int = 2) -> list[str]:
        """Pandoc's table-of-contents options for ``fmt`` (``toc`` and ``toc-depth`` in ``_quarto.yml``)."""
        if not self.format_option(fmt, "toc", True):
            return []
        return ["--toc", f"--toc-depth={self.format_option(fmt, 'toc-depth', depth)}"]

    @property
    def region(self) -> str | None:
        """Region subtag of :attr:`lang` (``"GB"`` for ``en-GB``), for typst."""
        parts = self.lang.split("-")
        return parts[1] if len(parts) > 1 else None


def load_book(project_dir: Path) -> Book:
    """Read ``_quarto.yml``, ``_variables.yml`` and the artifact manifest of a book project.

    Parameters
    ----------
    project_dir : Path
        Directory holding ``_quarto.yml``.

    Returns
    -------
    Book

    Raises
    ------
    RenderError
        If ``_quarto.yml`` is missing or not a book, a listed file is missing, or a
        ``{{< var >}}`` in the book metadata names an unknown key.

    Examples
    --------
    >>> book = load_book(Path("build/2025Q4/project"))  # doctest: +SKIP
    >>> [f.path for f in book.files]  # doctest: +SKIP
    ['index.qmd', 'chapters/03-local-picture.qmd', 'appendices/a6-quantitative-methods.qmd']
    """
    project_dir = Path(project_dir)
    config = _read_yaml(project_dir / "_quarto.yml", required=True)
    variables_path = project_dir / "_variables.yml"
    variables = _read_yaml(variables_path, required=False) or {}
    if not isinstance(variables, dict):
        raise RenderError(f"{variables_path}: expected a mapping of variables")

    book_config = config.get("book")
    if not isinstance(book_config, dict):
        raise RenderError(f"{project_dir / '_quarto.yml'}: no 'book:' section")

    def metadata(key: str) -> str | None:
        value = book_config.get(key)
        if value is None:
            return None
        if isinstance(value, list):  # Quarto allows several authors
            value = ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
        return resolve_variables(str(value), variables, where=f"_quarto.yml: book.{key}", escape=False)

    files = _book_files(book_config.get("chapters") or [], "chapters") + _book_files(
        book_config.get("appendices") or [], "appendices"
    )
    if not files:
        raise RenderError(f"{project_dir / '_quarto.yml'}: book lists no chapters")
    for book_file in files:
        if not (project_dir / book_file.path).is_file():
            raise RenderError(f"_quarto.yml: chapter {book_file.path} not found in {project_dir}")

    bibliography = config.get("bibliography") or []
    bibliography = [bibliography] if isinstance(bibliography, str) else [str(item) for item in bibliography]
    for item in bibliography:
        if not (project_dir / item).is_file():
            raise RenderError(f"_quarto.yml: bibliography {item} not found in {project_dir}")

    manifest_path = project_dir / "artifacts" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}

    date = metadata("date")
    date_format = book_config.get("date-format") or config.get("date-format")
    return Book(
        project_dir=project_dir,
        title=metadata("title") or "Untitled",
        subtitle=metadata("subtitle"),
        author=metadata("author"),
        date=format_date(date, str(date_format)) if date and date_format else date,
        lang=str(config.get("lang") or "en-GB"),
        files=files,
        formats=config.get("format") or {},
        variables=variables,
        manifest=manifest,
        bibliography=bibliography,
        csl=str(config["csl"]) if config.get("csl") else None,
    )


# dayjs tokens that `date-format` uses (Quarto formats dates with dayjs: src/core/date.ts).
DAYJS_TOKENS = re.compile(r"YYYY|MMMM|MMM|MM|M|DD|D|dddd")


def format_date(value: str, date_format: str) -> str:
    """Format an ISO date (or ``today``) as Quarto's ``date-format`` would, e.g. ``"D MMMM YYYY"``.

    Only dates written ``YYYY-MM-DD`` are formatted (what the build stages, see
    :func:`vawg.running.build.stage_project`); anything else is returned as it is.
    """
    import datetime as dt

    if value == "today":
        day = dt.date.today()
    else:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
    tokens = {"YYYY": f"{day:%Y}", "MMMM": f"{day:%B}", "MMM": f"{day:%b}", "MM": f"{day:%m}",
              "M": str(day.month), "DD": f"{day:%d}", "D": str(day.day), "dddd": f"{day:%A}"}
    return DAYJS_TOKENS.sub(lambda match: tokens[match.group(0)], date_format)


def _read_yaml(path: Path, required: bool) -> Any:
    if not path.is_file():
        if required:
            raise RenderError(f"{path}: not found")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RenderError(f"{path}: invalid YAML ({_one_line(error)})") from error


def _book_files(entries: list[Any], section: str, part: str | None = None) -> list[BookFile]:
    files: list[BookFile] = []
    for entry in entries:
        if isinstance(entry, str):
            files.append(BookFile(entry, section, part))
        elif isinstance(entry, dict) and "part" in entry:
            part_title = entry["part"]
            # A part may itself be a file (its title page); Quarto reads its heading.
            if str(part_title).endswith((".qmd", ".md")):
                files.append(BookFile(str(part_title), section, None))
            files += _book_files(entry.get("chapters") or [], section, str(part_title))
        elif isinstance(entry, dict) and "href" in entry:
            files.append(BookFile(str(entry["href"]), section, part))
        else:
            raise RenderError(f"_quarto.yml: book.{section}: cannot read entry {entry!r}")
    return files


# ----------------------------------------------------------------------------- shortcodes


def escape_markdown(text: str) -> str:
    """Backslash-escape what pandoc Markdown would read as markup, so ``text`` stays literal.

    Pandoc accepts a backslash before any ASCII punctuation, in running text and in
    attribute values alike, so a value such as ``*`` (a suppressed count) or ``<7``
    cannot turn into emphasis or HTML. Harmless punctuation (``,`` ``.`` ``%`` ...)
    is left alone, except a leading list marker such as ``2024.`` or ``-``.
    """
    escaped = "".join("\\" + char if char in MARKDOWN_ACTIVE else char for char in text)
    return LEADING_LIST_MARKER.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def lookup_variable(variables: dict[str, Any], key: str) -> str | None:
    """Return ``variables[a][b][c]`` for ``key="a.b.c"`` as text, or None if absent."""
    value: Any = variables
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, (dict, list)) or value is None:
        return None
    return str(value)


def resolve_variables(
    text: str,
    variables: dict[str, Any],
    where: str,
    escape: bool = True,
    include: Callable[[str], str] | None = None,
) -> str:
    """Replace every ``{{< var key >}}`` (and, given ``include``, every include) in ``text``.

    One pass over the text, so an escaped shortcode (``{{{< var x >}}}``, Quarto's
    way to print one) is never expanded, and included text is not scanned twice.

    Parameters
    ----------
    text : str
        Markdown (or plain) text.
    variables : dict
        Nested mapping from ``_variables.yml``.
    where : str
        File name used in error messages.
    escape : bool
        Escape the value for Markdown (True for document text, False for plain metadata).
    include : callable, optional
        Called with the path of ``{{< include path >}}``; returns the text to insert.
        Without it an include is an error.

    Raises
    ------
    RenderError
        For an unknown key, a misplaced include or a shortcode this renderer does
        not support.
    """

    def replace(match: re.Match[str]) -> str:
        lead, trail = match.group(1) or "", match.group(4) or ""
        if lead and trail:  # {{{< ... >}}} stays literal, minus one brace each side
            return match.group(0)[1:-1]
        return lead + expand(match, match.group(0)[len(lead) : len(match.group(0)) - len(trail)]) + trail

    def expand(match: re.Match[str], shortcode: str) -> str:
        name, args = match.group("name"), match.group("args").strip()
        if name == "include":
            if include is None:
                raise RenderError(f"{where}: {shortcode}: include is not allowed here")
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : len(text) if line_end < 0 else line_end]
            if line.strip() != shortcode.strip():
                raise RenderError(f"{where}: {shortcode}: an include must be on a line of its own")
            return include(args.strip("\"'"))
        if name == "pagebreak":
            return PAGE_BREAK
        if name != "var":
            raise RenderError(f"{where}: {shortcode}: unsupported shortcode (use var or include)")
        value = lookup_variable(variables, args)
        if value is None:
            raise RenderError(f"{where}: {{{{< var {args} >}}}}: no such key in _variables.yml")
        return escape_markdown(value) if escape else value

    return SHORTCODE.sub(replace, text)


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Return the YAML front matter of a ``.qmd`` file (or ``{}``) and the rest of it."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        front = yaml.safe_load(match.group("yaml")) or {}
    except yaml.YAMLError as error:
        raise RenderError(f"{where}: invalid YAML front matter ({_one_line(error)})") from error
    if not isinstance(front, dict):
        raise RenderError(f"{where}: front matter is not a mapping")
    return front, text[match.end():]


def expand_file(book: Book, path: str, _stack: tuple[str, ...] = ()) -> str:
    """Return the Markdown of one book file with front matter, vars and includes resolved.

    The front matter ``title:`` of a top-level file becomes its ``#`` heading;
    included files lose their front matter. Include paths are relative to the file
    holding the shortcode, or to the project root when they start with ``/``.

    Parameters
    ----------
    book : Book
    path : str
        Project-relative path of the file.

    Raises
    ------
    RenderError
        Naming the file for a missing include, an include cycle or an unknown var.
    """
    text = (book.project_dir / path).read_text(encoding="utf-8")
    front, body = split_front_matter(text, path)

    def include(target: str) -> str:
        if target.startswith("/"):
            included = PurePosixPath(target.lstrip("/"))
        else:
            included = PurePosixPath(path).parent / target
        included_path = _normalise(included)
        if included_path in (*_stack, path):
            raise RenderError(f"{path}: {{{{< include {target} >}}}}: includes itself ({included_path})")
        if not (book.project_dir / included_path).is_file():
            raise RenderError(f"{path}: {{{{< include {target} >}}}}: file not found ({included_path})")
        # Blank lines around the text keep it from gluing onto neighbouring paragraphs.
        return "\n" + expand_file(book, included_path, (*_stack, path)).strip("\n") + "\n"

    body = resolve_variables(body, book.variables, where=path, include=include)
    if not _stack and front.get("title"):
        title = resolve_variables(str(front["title"]), book.variables, where=path)
        body = f"# {title}\n\n{body}"
    return body


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                raise RenderError(f"{path}: points outside the project")
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def combined_markdown(book: Book) -> str:
    """Return the whole book as one Markdown text, each file in a ``.vawg-file`` div.

    It opens with a YAML block holding the book's title, subtitle, author and date
    (escaped, so pandoc reads them as plain text). Each div carries ``path``,
    ``section`` and ``part`` attributes; the Lua filters resolve image paths against
    ``path``, and then remove the divs (HTML splits the book into pages on them).
    """
    metadata = {
        key: escape_markdown(value)
        for key in ("title", "subtitle", "author", "date")
        if (value := getattr(book, key))
    }
    metadata["toc-title"] = "Contents"
    chunks = ["---\n" + yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False) + "---\n"]
    for book_file in book.files:
        attributes = f'path="{escape_markdown(book_file.path)}" section="{book_file.section}"'
        if book_file.part:
            attributes += f' part="{escape_markdown(book_file.part)}"'
        body = expand_file(book, book_file.path)
        chunks.append(f"{FILE_FENCE} {{.vawg-file {attributes}}}\n\n{body.strip()}\n\n{FILE_FENCE}\n")
    return "\n".join(chunks)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
