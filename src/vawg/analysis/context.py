"""Chapters 1 and 2 and Appendices 1, 4 and 5: the report's context, written as data.

Every list these parts print lives in a file a policy officer can edit, validated
here before anything is rendered, and rendered by one function each:

- the policy register (``data/reference/policy_register.yaml``, plus a borough's
  ``data/boroughs/<slug>/local_policies.yaml``)      :func:`render_register`
  (Chapter 2's tables and Appendix 5)
- the glossary and abbreviations (``data/reference/glossary.yaml``)  :func:`render_glossary`
- further documents (``data/reference/further_documents.yaml`` plus the borough's
  ``further_documents.yaml``)                        :func:`render_documents` (Appendix 4)
- dated published figures on why VAWG matters (``data/reference/why_vawg_matters.csv``)
  :func:`figure_why_vawg_matters`, :func:`table_why_vawg_matters` (Chapter 1)
- the scope of the needs assessment (``data/boroughs/<slug>/scope.yaml``)  :func:`render_scope`

Prose in these files may cite the bibliography (``references.json``) as ``[@key]``;
cells holding citations are written unescaped so pandoc's citeproc (or Quarto's)
resolves them. Borough-specific entries come only from that borough's folder, so a
build for another borough never shows them; where a folder gives nothing, the
partial says so in a plain sentence and names the file to add.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from vawg.writing.artifacts import ArtifactWriter, Column, Figure
from vawg.foundations.wording import markdown_escape
from vawg.foundations.errors import DataError
from vawg.foundations.paths import borough_dir, display_path, project_root
from vawg.foundations.reference import read_text_table
from vawg.foundations.wording import not_supplied

CITATION = re.compile(r"@([A-Za-z0-9][\w:.#$%&\-+?<>~/]*)")
CITE_KEY_IN_BRACKETS = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
Level = Literal["international", "national", "london", "local"]
Kind = Literal["legislation", "strategy", "guidance", "framework"]
LEVEL_TITLES = {"international": "International", "national": "National", "london": "London", "local": "Local"}
KIND_TITLES = {"legislation": "Legislation", "strategy": "Strategies and plans", "guidance": "Guidance",
               "framework": "Frameworks"}


def bibliography_keys(path: Path | None = None) -> set[str]:
    """Every ``id`` of the bibliography (``references.json`` at the project root)."""
    path = path or project_root() / "references.json"
    return {entry["id"] for entry in json.loads(path.read_text(encoding="utf-8"))}


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{display_path(path)}: file not found") from None
    except yaml.YAMLError as error:
        raise DataError(f"{display_path(path)}: invalid YAML ({' '.join(str(error).split())})") from None


def _validated(model: type[BaseModel], items: object, path: Path, what: str) -> list:
    if not isinstance(items, list):
        raise DataError(f"{display_path(path)}: expected a list of {what}")
    out = []
    for number, item in enumerate(items, start=1):
        try:
            out.append(model.model_validate(item))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            name = item.get("name") or item.get("term") or item.get("title") if isinstance(item, dict) else None
            label = f"entry {number}" + (f" ({name})" if name else "")
            raise DataError(f"{display_path(path)}: {label}: field '{field}': "
                            f"{first['msg'].removeprefix('Value error, ')}") from None
    return out


def _check_citations(text: str, keys: set[str], where: str) -> None:
    for key in CITATION.findall(" ".join(CITE_KEY_IN_BRACKETS.findall(text))):
        key = key.rstrip(".:,;")
        if key not in keys:
            raise DataError(f"{where}: citation @{key} has no entry in references.json")


# ----------------------------------------------------------------------------- policy register


class Policy(BaseModel):
    """One piece of legislation, strategy, guidance or framework."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=3)
    year: int = Field(ge=1900, le=2100)
    kind: Kind
    level: Level
    summary: str = Field(min_length=10, description="What it is, in one or two sentences of our own.")
    meaning: str = Field(min_length=10, description="What it means for the borough and its partners.")
    link: HttpUrl
    cite: str | None = Field(None, description="Bibliography key of the document, if it has one.")
    chapter: bool = Field(False, description="Shown in Chapter 2's tables (every entry is in Appendix 5).")


def load_register(borough: str, *, path: Path | None = None, keys: set[str] | None = None) -> list[Policy]:
    """The national, London and international register, then the borough's local entries (if any).

    Raises
    ------
    DataError
        Naming the file, the entry and the field; also for a duplicate id or a
        ``cite`` with no entry in ``references.json``.
    """
    keys = bibliography_keys() if keys is None else keys
    path = path or project_root() / "data" / "reference" / "policy_register.yaml"
    entries = _validated(Policy, _read_yaml(path), path, "policies")
    local = borough_dir(borough) / "local_policies.yaml"
    if local.is_file():
        local_entries = _validated(Policy, _read_yaml(local), local, "policies")
        for entry in local_entries:
            if entry.level != "local":
                raise DataError(f"{display_path(local)}: {entry.id}: field 'level': a borough's own file holds "
                                "local entries only")
        entries += local_entries
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise DataError(f"{display_path(path)}: id {entry.id!r} appears twice")
        seen.add(entry.id)
        if entry.cite is not None and entry.cite not in keys:
            raise DataError(f"{display_path(path)}: {entry.id}: field 'cite': @{entry.cite} has no entry in "
                            "references.json")
        _check_citations(entry.summary + " " + entry.meaning, keys, f"{display_path(path)}: {entry.id}")
    return entries


def _cells_table(rows: Sequence[Sequence[str]], headers: Sequence[str], *, caption: str | None = None,
                 label: str | None = None, widths: Sequence[int] | None = None) -> str:
    """A pipe table whose cells are already Markdown (links and citations kept)."""
    widths = widths or [20] * len(headers)
    lines = ["| " + " | ".join(markdown_escape(h) for h in headers) + " |",
             "|" + "|".join(":" + "-" * (w - 1) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |")
    if caption:
        lines += ["", f": {caption}" + (f" {{#{label}}}" if label else "")]
    return "\n".join(lines) + "\n"


def _name_cell(policy: Policy) -> str:
    name = f"[{markdown_escape(policy.name)}]({policy.link})"
    return name + (f" [@{policy.cite}]" if policy.cite else "")


def render_register(entries: Sequence[Policy], *, table_id: str, caption: str,
                    levels: Sequence[str] | None = None, kinds: Sequence[str] | None = None,
                    chapter_only: bool = False, with_kind: bool = False) -> str:
    """One table of the register: name (linked, cited), year, what it is and what it means locally.

    Chapter 2 calls it per level with ``chapter_only``; Appendix 5 per kind.
    """
    chosen = [entry for entry in entries
              if (levels is None or entry.level in levels) and (kinds is None or entry.kind in kinds)
              and (entry.chapter or not chapter_only)]
    if not chosen:
        return "No entries of this kind are recorded in the register for this edition.\n"
    chosen.sort(key=lambda entry: (-entry.year, entry.name))
    headers = ["Name", "Year", *(["Level"] if with_kind else []), "What it is", "What it means for the council"]
    rows = [[_name_cell(entry), str(entry.year), *([LEVEL_TITLES[entry.level]] if with_kind else []),
             entry.summary.strip(), entry.meaning.strip()] for entry in chosen]
    widths = [22, 5, *([8] if with_kind else []), 35, 35]
    return _cells_table(rows, headers, caption=caption, label=table_id, widths=widths)


# ----------------------------------------------------------------------------- glossary


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str = Field(min_length=1)
    definition: str = Field(min_length=3)
    boroughs: list[str] = Field(default_factory=list, description="Only shown for these boroughs (empty: all).")


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: list[Term]
    abbreviations: list[Term]


def load_glossary(path: Path | None = None) -> Glossary:
    path = path or project_root() / "data" / "reference" / "glossary.yaml"
    content = _read_yaml(path)
    if not isinstance(content, dict):
        raise DataError(f"{display_path(path)}: expected 'terms:' and 'abbreviations:'")
    terms = _validated(Term, content.get("terms"), path, "terms")
    abbreviations = _validated(Term, content.get("abbreviations"), path, "abbreviations")
    for name, items in (("terms", terms), ("abbreviations", abbreviations)):
        seen: set[str] = set()
        for item in items:
            if item.term.casefold() in seen:
                raise DataError(f"{display_path(path)}: {name}: {item.term!r} appears twice")
            seen.add(item.term.casefold())
    return Glossary(terms=terms, abbreviations=abbreviations)


def render_glossary(glossary: Glossary, borough: str, *, part: Literal["terms", "abbreviations"]) -> str:
    """The glossary (a definition list) or the abbreviations (a table), for ``borough``."""
    items = [item for item in getattr(glossary, part) if not item.boroughs or borough in item.boroughs]
    items.sort(key=lambda item: item.term.casefold())
    if part == "terms":
        return "\n".join(f"{markdown_escape(item.term)}\n:   {item.definition.strip()}\n" for item in items)
    rows = [[markdown_escape(item.term), markdown_escape(item.definition.strip())] for item in items]
    return _cells_table(rows, ["Abbreviation", "Meaning"], caption="Abbreviations used in this report",
                        label="tbl-abbreviations", widths=[14, 50])


# ----------------------------------------------------------------------------- further documents


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3)
    group: str = Field(min_length=3)
    about: str = Field(min_length=10)
    link: HttpUrl | None = None
    cite: str | None = None
    status: Literal["published", "internal", "forthcoming"] = "published"


def load_documents(borough: str, *, path: Path | None = None, keys: set[str] | None = None) -> tuple[list[Document], bool]:
    """Documents by other organisations, then the borough's own (and whether the borough supplied any)."""
    keys = bibliography_keys() if keys is None else keys
    path = path or project_root() / "data" / "reference" / "further_documents.yaml"
    documents = _validated(Document, _read_yaml(path), path, "documents")
    local = borough_dir(borough) / "further_documents.yaml"
    supplied = local.is_file()
    if supplied:
        documents = _validated(Document, _read_yaml(local), local, "documents") + documents
    for document in documents:
        if document.cite is not None and document.cite not in keys:
            raise DataError(f"{display_path(path)}: {document.title}: field 'cite': @{document.cite} has no entry "
                            "in references.json")
    return documents, supplied


STATUS_NOTE = {"internal": " (internal report; ask the public health team for a copy)",
               "forthcoming": " (forthcoming)", "published": ""}


def render_documents(documents: Sequence[Document], supplied: bool, borough: str) -> str:
    """Appendix 4: one sub-heading per group, each document a list item."""
    lines: list[str] = []
    if not supplied:
        lines += [not_supplied(borough, "its own reports and linked strategies"), ""]
    for group in dict.fromkeys(document.group for document in documents):
        lines += [f"## {markdown_escape(group)}", ""]
        for document in (d for d in documents if d.group == group):
            title = markdown_escape(document.title)
            title = f"[{title}]({document.link})" if document.link else f"*{title}*"
            cite = f" [@{document.cite}]" if document.cite else ""
            lines.append(f"- {title}{cite}{STATUS_NOTE[document.status]}: {document.about.strip()}")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- scope and local context


class ScopeRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    aspect: str
    focus: str
    why: str


class BoroughContext(BaseModel):
    """A borough's own text for Chapter 1: local strategy, rationale, scope and local figures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    strategy: str = Field(min_length=10, description="Local strategies the needs assessment serves.")
    rationale: str = Field(min_length=10, description="Why the borough is doing this needs assessment now.")
    scope: list[ScopeRow] = Field(min_length=1)
    led_by: str = Field(min_length=3)


def load_borough_context(borough: str, *, keys: set[str] | None = None) -> BoroughContext | None:
    path = borough_dir(borough) / "scope.yaml"
    if not path.is_file():
        return None
    keys = bibliography_keys() if keys is None else keys
    content = _read_yaml(path)
    try:
        context = BoroughContext.model_validate(content)
    except ValidationError as error:
        first = error.errors()[0]
        raise DataError(f"{display_path(path)}: field '{'.'.join(str(p) for p in first['loc'])}': "
                        f"{first['msg'].removeprefix('Value error, ')}") from None
    _check_citations(context.strategy + " " + context.rationale, keys, display_path(path))
    return context


def render_scope(context: BoroughContext | None, borough: str) -> dict[str, str]:
    """Chapter 1's borough partials: ``borough-strategy``, ``borough-rationale``, ``tbl-scope``."""
    if context is None:
        missing = not_supplied(borough, "its local strategy, rationale and scope") + "\n"
        return {"borough-strategy": missing, "borough-rationale": missing, "tbl-scope": missing,
                "borough-led-by": "the council's public health team"}
    rows = [[markdown_escape(row.aspect), row.focus.strip(), row.why.strip()] for row in context.scope]
    table = _cells_table(rows, ["Aspect", "Focus", "Why"], caption="Scope of the needs assessment",
                         label="tbl-scope", widths=[14, 30, 40])
    return {"borough-strategy": context.strategy.strip() + "\n", "borough-rationale": context.rationale.strip() + "\n",
            "tbl-scope": table, "borough-led-by": context.led_by.strip()}


# ----------------------------------------------------------------------------- why VAWG matters


WHY_COLUMNS = ["id", "figure", "value", "unit", "shown", "period", "area", "cite", "url", "chart_label"]


def load_why_vawg_matters(borough: str, *, path: Path | None = None, keys: set[str] | None = None) -> pd.DataFrame:
    """Dated published figures: national and London rows, and the borough's own rows only for that borough.

    ``value`` is a number in ``unit`` (percent, count or pounds); ``shown`` is the figure as the
    source puts it ("about 1 in 3"); rows with a ``chart_label`` are percentages drawn in the chart.
    """
    keys = bibliography_keys() if keys is None else keys
    path = path or project_root() / "data" / "reference" / "why_vawg_matters.csv"
    table = read_text_table(path, WHY_COLUMNS, shown=display_path(path))
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        try:
            float(row.value)
        except ValueError:
            raise DataError(f"{display_path(path)}: row {row_number}, column 'value': {row.value!r} is not a number") from None
        if row.unit not in ("percent", "count", "pounds"):
            raise DataError(f"{display_path(path)}: row {row_number}, column 'unit': {row.unit!r} is not one of "
                            "percent, count, pounds")
        for key in row.cite.split(";"):
            if key.strip() not in keys:
                raise DataError(f"{display_path(path)}: row {row_number}, column 'cite': @{key.strip()} has no entry "
                                "in references.json")
        if row.chart_label and row.unit != "percent":
            raise DataError(f"{display_path(path)}: row {row_number}, column 'chart_label': only percentages are charted")
    national = {"Global", "UK", "England and Wales", "England, Wales and Northern Ireland", "Great Britain",
                "London", "England"}
    keep = table["area"].isin(national) | (table["area"] == borough)
    table = table[keep].reset_index(drop=True)
    table["value"] = table["value"].astype(float)
    return table


def figure_why_vawg_matters(table: pd.DataFrame) -> Figure:
    """``fig-why-vawg-matters``: the percentage figures as labelled horizontal bars (seed Figure 1)."""
    from plotnine import aes, coord_flip, element_blank, element_text, geom_col, geom_text, ggplot, labs, scale_y_continuous, theme

    from vawg.writing.charts import CATEGORICAL, LABEL_SIZE, af_theme, headline

    charted = table[table["chart_label"] != ""].copy()
    charted["name"] = charted["chart_label"] + " (" + charted["period"] + ")"
    order = charted.sort_values("value")["name"].tolist()
    charted["name"] = pd.Categorical(charted["name"], categories=order, ordered=True)
    charted["text"] = charted["value"].map(lambda v: f"{v:g}%")
    title = headline("Violence against women and girls is common and mostly affects women")
    subtitle = "Published national and London figures, latest year each source gives"

    def plot_at(width: float = 8.0):
        # On a phone the names, beside the bars, wrapped to five lines each and ran into each other: there each
        # name goes above its bar, across the chart's width.
        above = width < 4
        data = charted.assign(label=charted["name"].map(lambda text: textwrap.fill(text, 44 if above else 38)))
        data["label"] = pd.Categorical(data["label"], categories=[textwrap.fill(t, 44 if above else 38) for t in order],
                                       ordered=True)
        plot = (ggplot(data, aes(x="label", y="value"))
                + geom_col(fill=CATEGORICAL[0], width=0.4 if above else 0.7)
                + geom_text(aes(label="text"), ha="left", nudge_y=1.5, size=9, color="#0B0C0C")
                + coord_flip()
                + scale_y_continuous(limits=(0, 100), breaks=[0, 25, 50, 75, 100],
                                     labels=lambda b: [f"{v:g}%" for v in b])
                + labs(x="", y="Per cent", title=title, subtitle=subtitle)
                + af_theme() + theme(panel_grid_major_y=element_blank(), plot_title_position="plot",
                                     axis_text_y=element_text(size=LABEL_SIZE, ha="right")))
        if above:
            plot = (plot + geom_text(aes(label="label"), y=0, nudge_x=0.25, ha="left", va="bottom", size=LABEL_SIZE,
                                     color="#0B0C0C")
                    + theme(axis_text_y=element_blank()))
        return plot

    plot = plot_at()
    highest = charted.sort_values("value").iloc[-1]
    alt = (f"Horizontal bar chart of {len(charted)} published percentages about violence against women and girls. "
           f"The largest is {highest['chart_label'].lower()}, {highest['value']:g}%; "
           + "; ".join(f"{row.chart_label.lower()} {row.value:g}%" for row in charted.sort_values("value").itertuples())
           + ".")
    return Figure(
        id="fig-why-vawg-matters",
        plot=plot,
        redraw=plot_at,
        caption="Why violence against women and girls matters: published figures",
        alt=alt,
        source="Office for National Statistics, National Police Chiefs' Council, World Health Organization, "
               "Women's Aid and others, as listed in the table below",
        data=charted[["chart_label", "value", "period", "area", "url"]],
        columns=[Column("Figure", "chart_label", "text"), Column("Per cent", "value", "number", 1),
                 Column("Period", "period", "text"), Column("Area", "area", "text"), Column("Source", "url", "text")],
        width=8.0, height=6.4,
    )


def table_why_vawg_matters(table: pd.DataFrame) -> str:
    """``tbl-why-vawg-matters``: every figure as the source states it, with its period, area and citation."""
    rows = [[markdown_escape(row.figure), markdown_escape(row.shown), markdown_escape(row.period),
             markdown_escape(row.area), "; ".join(f"[@{key.strip()}]" for key in row.cite.split(";"))]
            for row in table.itertuples()]
    return _cells_table(rows, ["Figure", "Value", "Period", "Area", "Source"],
                        caption="Published figures on the scale and cost of violence against women and girls",
                        label="tbl-why-vawg-matters", widths=[40, 14, 10, 12, 16])


# ----------------------------------------------------------------------------- the notebook's one call


def write_context(writer: ArtifactWriter, borough: str) -> dict[str, Path]:
    """Write every partial of Chapters 1 and 2 and Appendices 1, 4 and 5 for ``borough``."""
    from vawg.analysis.services.chapter import write_partial

    keys = bibliography_keys()
    written: dict[str, Path] = {}

    def partial(name: str, text: str) -> None:
        written[name] = write_partial(writer, name, text)

    register = load_register(borough, keys=keys)
    for level in ("international", "national", "london", "local"):
        partial(f"tbl-policy-{level}", render_register(
            register, table_id=f"tbl-policy-{level}", levels=[level], chapter_only=level != "local",
            caption=f"{LEVEL_TITLES[level]} legislation, strategies and guidance discussed in this chapter"))
    if not any(entry.level == "local" for entry in register):
        partial("tbl-policy-local", not_supplied(borough, "its local strategies and plans") + "\n")
    for kind in ("legislation", "strategy", "guidance", "framework"):
        partial(f"tbl-register-{kind}", render_register(
            register, table_id=f"tbl-register-{kind}", kinds=[kind], with_kind=True,
            caption=f"{KIND_TITLES[kind]}: the full register"))

    glossary = load_glossary()
    partial("glossary-terms", render_glossary(glossary, borough, part="terms"))
    partial("tbl-abbreviations", render_glossary(glossary, borough, part="abbreviations"))

    documents, supplied = load_documents(borough, keys=keys)
    partial("further-documents", render_documents(documents, supplied, borough))

    for name, text in render_scope(load_borough_context(borough, keys=keys), borough).items():
        if name == "borough-led-by":
            writer.value("context.led_by", text, "text")
        else:
            partial(name, text)

    why = load_why_vawg_matters(borough, keys=keys)
    writer.figure(figure_why_vawg_matters(why))
    partial("tbl-why-vawg-matters", table_why_vawg_matters(why))
    writer.values({"context.register_count": (len(register), "number", 0),
                   "context.why_count": (len(why), "number", 0)})
    return written


# ----------------------------------------------------------------------------- citations across the sources


# Where the report's prose lives: the book's sources and the data files whose text it prints.
CITING_SOURCES = ("index.qmd", "references.qmd", "chapters", "appendices", "data/reference", "data/boroughs",
                  "data/services")
CROSSREF_PREFIXES = ("fig-", "tbl-", "sec-", "eq-")
BRACKETED = re.compile(r"\[[^\[\]]*?@[^\[\]]*?\]")
KEY_IN_TEXT = re.compile(r"(?<![\w@])-?@([A-Za-z0-9_][\w:.#$%&+?<>~/-]*[A-Za-z0-9_])")
CITE_FIELD = re.compile(r"^\s*-?\s*cite:\s*([\w.:-]+)\s*$", re.MULTILINE)


def source_citations(root: Path | None = None) -> dict[str, list[str]]:
    """Every bibliography key the sources cite, with the files citing it.

    Reads ``[@key]`` citations (not ``@fig-``/``@tbl-``/``@sec-`` cross-references) in the
    chapters, appendices and data prose, ``cite:`` fields of the YAML registers and the
    ``cite`` column of ``why_vawg_matters.csv`` (keys separated by ``;``).
    """
    root = root or project_root()
    found: dict[str, list[str]] = {}

    def add(key: str, where: str) -> None:
        if not key.startswith(CROSSREF_PREFIXES):
            found.setdefault(key, [])
            if where not in found[key]:
                found[key].append(where)

    for name in CITING_SOURCES:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.suffix in (".qmd", ".yaml", ".yml", ".csv", ".md"))
        for path in files:
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            where = str(path.relative_to(root))
            for bracket in BRACKETED.findall(text):
                for key in KEY_IN_TEXT.findall(bracket):
                    add(key, where)
            if path.suffix in (".yaml", ".yml"):
                for key in CITE_FIELD.findall(text):
                    add(key, where)
            if path.suffix == ".csv" and path.name == "why_vawg_matters.csv":
                for cell in pd.read_csv(path, dtype=str, keep_default_na=False).get("cite", []):
                    for key in filter(None, (part.strip() for part in cell.split(";"))):
                        add(key, where)
    return found


def citation_problems(root: Path | None = None) -> list[str]:
    """Cited keys with no entry, and entries never cited, one message each (empty when all is well)."""
    root = root or project_root()
    keys = bibliography_keys(root / "references.json")
    cited = source_citations(root)
    problems = [f"{', '.join(places)}: @{key} is cited but has no entry in references.json"
                for key, places in sorted(cited.items()) if key not in keys]
    problems += [f"references.json: entry {key!r} is never cited" for key in sorted(keys - set(cited))]
    return problems
