"""What ``quarto render`` refuses or misreads, checked without Quarto.

Both renderers read the same sources, and Quarto's rules win (docs/design.md, decision 7),
so :func:`check_project` runs before either renders. Each rule follows Quarto's own
source (repository quarto-dev/quarto-cli), cited where it is used:

- a line that starts with ``{{<`` and ends with ``>}}`` is ONE block shortcode
  (``src/core/lib/parse-shortcode.ts``, ``isBlockShortcode``, called on every
  plain-text line by ``src/core/lib/break-quarto-md.ts``): two shortcodes on such a
  line become one shortcode with the rest of the line as its arguments, and a
  quote inside (an apostrophe) makes Quarto stop with "invalid shortcode";
- ``{{< include >}}`` is expanded only as such a block shortcode, so it must stand
  on a line of its own (``src/core/handlers/include.ts`` handles directive cells);
- a ``date`` is parsed before shortcodes run (``src/core/date.ts``,
  ``parsePandocDate``), so a shortcode there comes out as "Invalid Date";
- Quarto numbers every book chapter and labels every appendix "Appendix A —"
  unless the chapter's title carries ``.unnumbered``
  (``src/project/types/book/book-shared.ts``, ``isNumberedChapter``, and
  ``book-chapters.ts``, ``formatChapterTitle``); this book's titles carry their own
  labels ("Appendix 6"), so every chapter and appendix must be ``.unnumbered``;
- ``when-format`` / ``unless-format`` take one format name, matched by
  ``isFormat`` in ``src/resources/pandoc/datadir/_format.lua``: ``pdf`` and
  ``latex`` mean LaTeX output, never typst, and ``word`` matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vawg.foundations.errors import RenderError

# parse-shortcode.ts, isBlockShortcode (unchanged from Quarto 1.3 to 1.10).
BLOCK_SHORTCODE = re.compile(r"^\s*{{< (?!/\*)(.+?)(?<!\*/) >}}\s*$")
ANY_SHORTCODE = re.compile(r"{{<\s*(?P<name>[\w-]+)")
# parse-shortcode.ts, parseShortcodeCapture: a name, then values or name=value pairs.
_NAME = re.compile(r"^[a-zA-Z0-9_]+")
_V1, _V2, _V3 = r"([^\"'\s]+)", r'"([^"]*)"', r"'([^']*)'"
_PNAME = r"([a-zA-Z0-9_-]+)"
_PARAM = re.compile(
    f"(?:(?:{_V1})|(?:{_V2})|(?:{_V3})|"
    f"(?:{_PNAME}\\s*=\\s*{_V1})|(?:{_PNAME}\\s*=\\s*{_V2})|(?:{_PNAME}\\s*=\\s*{_V3}))"
)
# break-quarto-md.ts: what is not plain text (math blocks, YAML blocks, and code blocks that open with
# backticks at the start of the line and close with as many: tildes and indented fences are plain text there).
_CODE_FENCE = re.compile(r"^(`{3,})")
_CODE_END = re.compile(r"^\s*(`{3,})\s*$")
_MATH_FENCE = re.compile(r"^\$\$")
_ONE_LINE_MATH = re.compile(r"^\s*\$\$.+\$\$\s*$")
_YAML_FENCE = re.compile(r"^---\s*$")
FORMAT_CONDITION = re.compile(r"\b(?P<key>when-format|unless-format)\s*=\s*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)'|(?P<b>[^\s}]+))")
# _format.lua, isFormat: the names that match each output this book renders.
FORMAT_NAMES = {
    "html": {"html", "html:js", "html5"},
    "typst": {"typst"},
    "docx": {"docx"},
}
LATEX_NAMES = {"pdf", "latex", "tex", "beamer"}
DATE_KEYWORDS = {"today", "now", "last-modified"}


@dataclass(frozen=True)
class Problem:
    """One thing Quarto would refuse or misread, with where it is."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def parse_shortcode(capture: str) -> tuple[str, list[str]] | None:
    """Quarto's reading of ``{{< capture >}}``: its name and arguments, or None where Quarto throws.

    A port of ``parseShortcodeCapture`` (src/core/lib/parse-shortcode.ts), including
    its unanchored search for each argument.
    """
    name = _NAME.match(capture)
    if not name:
        return None
    rest = capture[name.end():].strip()
    params: list[str] = []
    while rest:
        match = _PARAM.search(rest)
        if not match:
            return None
        params.append(next(group for group in match.groups() if group is not None))
        rest = rest[len(match.group(0)):].strip()
    return name.group(0), params


def check_markdown(text: str, path: str) -> list[Problem]:
    """Problems in one ``.qmd`` file's text (front matter included)."""
    problems: list[Problem] = []
    lines = text.splitlines()
    in_yaml = in_math = False
    fence: str | None = None
    yaml_start = 0
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            closing = _CODE_END.match(line)
            if closing and len(closing.group(1)) == len(fence):
                fence = None
            continue
        if _YAML_FENCE.match(line) and not in_math:
            if in_yaml:
                problems += _check_front_matter("\n".join(lines[yaml_start:number - 1]), path, yaml_start + 1)
            else:
                yaml_start = number
            in_yaml = not in_yaml
            continue
        if in_yaml:
            continue
        if _ONE_LINE_MATH.match(line):
            continue
        if _MATH_FENCE.match(line):
            in_math = not in_math
            continue
        if in_math:
            continue
        opening = _CODE_FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        problems += _check_line(line, path, number)
    return problems


def _check_line(line: str, path: str, number: int) -> list[Problem]:
    problems: list[Problem] = []
    block = BLOCK_SHORTCODE.match(line)
    if block:
        capture = block.group(1)
        parsed = parse_shortcode(capture)
        if parsed is None:
            problems.append(Problem(path, number, (
                "Quarto reads a line that starts with '{{<' and ends with '>}}' as one block shortcode, "
                "and cannot parse this one (a quote or apostrophe inside?): start the line with text, "
                "or put each shortcode on its own line")))
        elif "{{<" in capture or ">}}" in capture:
            problems.append(Problem(path, number, (
                f"Quarto reads this whole line as one {{{{< {parsed[0]} >}}}} shortcode (it starts with '{{{{<' "
                "and ends with '>}}'): start the line with text, or put each shortcode on its own line")))
    else:
        for match in ANY_SHORTCODE.finditer(line):
            if match.group("name") == "include" and not line[:match.start()].endswith("{"):
                problems.append(Problem(path, number, (
                    "{{< include >}} must stand on a line of its own: Quarto expands an include "
                    "only as a block shortcode")))
    for match in FORMAT_CONDITION.finditer(line):
        name = next(v for v in (match.group("q"), match.group("s"), match.group("b")) if v is not None)
        problem = format_name_problem(match.group("key"), name)
        if problem:
            problems.append(Problem(path, number, problem))
    return problems


def format_name_problem(key: str, name: str) -> str | None:
    """Why ``key="name"`` does not do what it says for this book's formats, or None."""
    if any(name in names for names in FORMAT_NAMES.values()):
        return None
    if name in LATEX_NAMES:
        return (f'{key}="{name}" means LaTeX output to Quarto, and this book\'s PDF is made with typst: '
                'use "typst"')
    wanted = sorted(set().union(*FORMAT_NAMES.values()))
    return f'{key}="{name}" matches none of the book\'s formats to Quarto: use one of {wanted}'


def _date_problem(value: Any) -> str | None:
    if value is None:
        return None
    if "{{<" in str(value):
        return ("a shortcode in 'date' comes out as 'Invalid Date': Quarto parses the date before it "
                "runs shortcodes; write the date itself (YYYY-MM-DD)")
    return None


def _check_front_matter(text: str, path: str, first_line: int) -> list[Problem]:
    try:
        front = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return []  # the renderers name invalid YAML themselves
    if not isinstance(front, dict):
        return []
    problem = _date_problem(front.get("date"))
    if problem:
        line = next((first_line + i for i, row in enumerate(text.splitlines()) if row.startswith("date:")), first_line)
        return [Problem(path, line, problem)]
    return []


def check_config(text: str, path: str = "_quarto.yml") -> list[Problem]:
    """Problems in ``_quarto.yml``: a shortcode in ``date`` (top level, ``book:`` or a format)."""
    try:
        config = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return []
    places = [config, config.get("book") or {}] + [f for f in (config.get("format") or {}).values() if isinstance(f, dict)]
    lines = text.splitlines()
    problems = []
    for place in places:
        problem = _date_problem(place.get("date") if isinstance(place, dict) else None)
        if problem:
            line = next((i for i, row in enumerate(lines, 1) if re.match(r"\s*date:", row) and "{{<" in row), 1)
            problems.append(Problem(path, line, problem))
    return problems


TITLE_HEADING = re.compile(r"^#\s+(?P<text>.*?)\s*$")


def _unnumbered_problem(text: str, path: str) -> Problem | None:
    """A book file whose title Quarto would number (no ``.unnumbered``), or None."""
    front = re.match(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", text, re.DOTALL | re.MULTILINE)
    title_line, title = 1, None
    if front:
        try:
            meta = yaml.safe_load(front.group(1)) or {}
        except yaml.YAMLError:
            meta = {}
        if isinstance(meta, dict) and isinstance(meta.get("title"), str):
            title = meta["title"]
            title_line = next((i for i, row in enumerate(text.splitlines(), 1) if row.startswith("title:")), 1)
    if title is None:
        fence = None
        for number, line in enumerate(text.splitlines(), start=1):
            if _CODE_FENCE.match(line):
                fence = None if fence else line
                continue
            heading = TITLE_HEADING.match(line)
            if heading and not fence:
                title, title_line = heading.group("text"), number
                break
    if title is None:
        return None
    attributes = re.search(r"\{([^{}]*)\}\s*$", title)
    if attributes and re.search(r"(^|\s)\.unnumbered(\s|$)", attributes.group(1)):
        return None
    return Problem(path, title_line, (
        "Quarto numbers this chapter ('1  Title', or 'Appendix A — Title' in the appendices) because its "
        "title is not {.unnumbered}; the book labels its own chapters, so add .unnumbered to the title's attributes"))


def book_files(config_text: str) -> list[str]:
    """Files listed under ``book: chapters:`` and ``book: appendices:`` (parts included)."""
    try:
        config = yaml.safe_load(config_text) or {}
    except yaml.YAMLError:
        return []
    book = config.get("book") or {}
    found: list[str] = []

    def walk(entries: Any) -> None:
        for entry in entries or []:
            if isinstance(entry, str):
                found.append(entry)
            elif isinstance(entry, dict):
                if str(entry.get("part", "")).endswith((".qmd", ".md")):
                    found.append(str(entry["part"]))
                if "href" in entry:
                    found.append(str(entry["href"]))
                walk(entry.get("chapters"))

    walk(book.get("chapters"))
    walk(book.get("appendices"))
    return found


def check_project(project_dir: Path) -> list[Problem]:
    """Every problem in a Quarto project: ``_quarto.yml`` and each ``.qmd`` under it.

    Folders Quarto writes (``_book``, ``_site``, ``.quarto``) and hidden ones are skipped.
    """
    project_dir = Path(project_dir)
    problems: list[Problem] = []
    config = project_dir / "_quarto.yml"
    if config.is_file():
        config_text = config.read_text(encoding="utf-8")
        problems += check_config(config_text)
        for listed in book_files(config_text):
            if (project_dir / listed).is_file():
                problem = _unnumbered_problem((project_dir / listed).read_text(encoding="utf-8"), listed)
                if problem:
                    problems.append(problem)
    for source in sorted(project_dir.rglob("*.qmd")):
        relative = source.relative_to(project_dir)
        if any(part.startswith((".", "_book", "_site")) for part in relative.parts[:-1]):
            continue
        problems += check_markdown(source.read_text(encoding="utf-8"), relative.as_posix())
    return problems


def require_quarto_rules(project_dir: Path) -> None:
    """Raise :class:`RenderError` naming the first problem (file and line) and how many there are."""
    problems = check_project(project_dir)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RenderError(f"{problems[0]}{more} (a rule of quarto render, checked on both render paths)")
