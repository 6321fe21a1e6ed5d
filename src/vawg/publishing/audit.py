"""``vawg audit EDITION``: attack an edition's published files before they replace the last edition.

The audit reads what a reader gets: the site's pages, the PDF's text (pypdf), the Word document
(python-docx), the CSV downloads and the values the prose quotes (``artifacts/values.json``, the numbers
exactly as the pages print them). It then tries to recover every hidden cell ("<7" or "[c]"):

- ``area difference``: a borough's count as London's minus the rest of London's (or any one of the three
  from the other two), matching a prose value with a table row by the abuse type's key or label;
- ``total difference``: a part as its total minus the other parts, within a table (a total row; a group's
  total worked out from its shares, count / share) and between a table and a total the prose quotes;
  every such set of equations is solved by linear programming (:func:`vawg.foundations.suppression.feasible_ranges`);
  rows a table says do not add up (``Table.rows_do_not_add_up``: abuse types, which an offence can carry several
  of; a chart that leaves groups out) are each at most the total, as the table's note tells a reader;
- ``share of a hidden count``: a share, rate, interval, rank, p-value or other statistic published in the
  row of a hidden count (share x total gives the count back; a one-cell test's p-value inverts), and a
  prose statistic (``*.p``, ``*.rank``, ``*_ci``) beside a hidden ``*.count``;
- ``all in one group``: a hidden group whose published shares are all zero but one;
- ``record-level identifier``: any id value of the staged extracts (``offence_id``, ``workflow_id``,
  ``person_id`` ...) in any published text;
- ``private file``: an executed notebook, a staged table or the build's private folders inside, or linked
  from, the published output.

A finding names the figures that combine to reveal the cell. :func:`audit_edition` returns the report;
:func:`write_report` keeps it as ``<edition>/audit.json`` (beside, never inside, the published output).
The CSV reader takes "<7"/"[c]" text cells and also a separate suppression-flag column, as the downloads are
written (:func:`vawg.writing.artifacts.csv_download`): a header ending "(flag)" or holding "suppress", naming the
column it marks (or the lower and upper columns of a range, or else the row's counts); its cell says
"fewer than 7" (or "<7") for a small count and "withheld [c]" for a value hidden with one.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vawg.foundations import suppression as sup
from vawg.foundations.wording import slug
from vawg.publishing.check.published import published_texts, text_faults

PRIVATE_SUFFIXES = (".ipynb", ".parquet", ".feather", ".pickle", ".pkl")
PRIVATE_FOLDERS = ("staged", "notebooks", "logs")
ID_COLUMN = re.compile(r"(^|_)id$")
STATISTIC = re.compile(r"p-value|p value|\bp\b|95% ci|\bci\b|interval|lower|upper|rank|z-score|\bz\b|odds|"
                       r"ratio|moran|change|difference", re.I)
SHARE = re.compile(r"%|share|rate|per 1,000|per 100,000|percent", re.I)
# Columns about the place or its residents, not about the counted group: not derived from its count.
CONTEXT = re.compile(r"resident|population|household|deprived|wards ranked|boroughs ranked|average|limit|centre|"
                     r"center|mean", re.I)
COUNT_WORDS = re.compile(r"offences|referrals|count|cases|number|people|victims|children|applications|"
                         r"suspects|contacts|women|girls|forms|assessments|workflows|persons|heard", re.I)
TOTAL_LABEL = re.compile(r"^(total|all\b|overall)", re.I)
# A test's verdict in words ("Significant (p < 0.05)": "Yes"): it says what the hidden p-value would.
VERDICT = re.compile(r"significan|p < 0\.05", re.I)
NUMBER = re.compile(r"^[+\-−]?\d[\d,]*(\.\d+)?%?$")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/]*[A-Za-z0-9]")  # a word that could be a record's id
FLAG_HEADER = re.compile(r"suppress|\(flag\)$", re.I)
FLAG_SUFFIX = re.compile(r"\s*\((?:flag|suppressed)\)$|\s+suppressed$", re.I)
NO_VALUE = {"", "–", "-", "—", "n/a", "na", "not tested", "none"}
VALUE_AREA = re.compile(r"^(?P<pre>.*?)(?P<area>london_|rest_)?(?P<measure>count)$")


@dataclass
class Finding:
    attack: str
    cell: str
    value: float | None
    sources: list[str]

    def line(self) -> str:
        value = "" if self.value is None else f" = {self.value:g}"
        return f"{self.attack}: {self.cell}{value} from {' and '.join(self.sources)}"


@dataclass
class AuditReport:
    edition: str
    threshold: int
    checked: dict[str, int] = field(default_factory=dict)
    hidden: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Not disclosure, but read from the same pages: repository paths, identifiers, empty values, placeholders.
    unfinished: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        checked = ", ".join(f"{number:,} {what}" for what, number in self.checked.items())
        hidden = ", ".join(f"{what} {number:,}" for what, number in self.hidden.items())
        verdict = "no hidden cell recovered" if self.clean else f"{len(self.findings)} finding(s)"
        return f"Disclosure audit of {self.edition}: {verdict}. Checked {checked}. Cells hidden: {hidden}."

    @classmethod
    def from_json(cls, data: dict) -> "AuditReport":
        """The report :meth:`to_json` wrote (a build reuses it when nothing it attacked has changed)."""
        return cls(data["edition"], data["threshold"], dict(data["checked"]), dict(data["hidden"]),
                   [Finding(**finding) for finding in data["findings"]], list(data["unfinished"]))

    def to_json(self) -> dict:
        return {"edition": self.edition, "threshold": self.threshold, "clean": self.clean,
                "checked": self.checked, "hidden": self.hidden, "findings": [asdict(f) for f in self.findings],
                "unfinished": self.unfinished,
                "summary": self.summary()}


# -- reading the published cells ------------------------------------------------------------------------

@dataclass
class Cell:
    source: str         # "fig-x.csv row 4, 'Offences'"
    header: str
    value: float | None  # None when hidden
    status: str         # "shown", "primary" ("<7"), "secondary" ("[c]"), "empty"
    text: str


def parse_cell(text: str, threshold: int) -> tuple[float | None, str]:
    cell = text.strip()
    if cell == sup.suppressed_count_text(threshold) or re.fullmatch(r"<\s*\d+", cell):
        return None, "primary"
    if cell in (sup.CONFIDENTIAL, "c", "[x]", "[low]", "*"):
        return None, "secondary"
    if cell.lower() in NO_VALUE:
        return None, "empty"
    if NUMBER.match(cell.replace("−", "-")):
        return float(cell.replace(",", "").replace("%", "").replace("−", "-")), "shown"
    return None, "text"


def flag_status(text: str) -> str | None:
    """What a flag cell says of the cells it marks: "primary" (a small count), "secondary" (hidden with one), or
    None (shown, or a note such as "not available" or "below 0.001" that hides nothing)."""
    marker = text.strip().lower()
    if marker.startswith(("<", "fewer than")):
        return "primary"
    if marker in ("1", "true", "yes", "y", "suppressed", "c") or "[c]" in marker or marker.startswith(
            ("withheld", "confidential")):
        return "secondary"
    return None


@dataclass
class Row:
    source: str
    number: int
    labels: dict[str, str]
    cells: dict[str, Cell]


def read_csv_rows(path: Path, threshold: int) -> tuple[list[str], list[Row]]:
    """A published CSV as rows of text labels and numeric cells; a flag column hides the cells it marks."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    if not table:
        return [], []
    headers, body = table[0], table[1:]
    flags = [h for h in headers if FLAG_HEADER.search(h)]
    rows = []
    for number, record in enumerate(body, start=2):
        record = record + [""] * (len(headers) - len(record))
        labels, cells = {}, {}
        for header, text in zip(headers, record):
            if header in flags:
                continue
            value, status = parse_cell(text, threshold)
            if status == "text":
                labels[header] = text.strip()
            else:
                cells[header] = Cell(f"{path.name} row {number}, {header!r}", header, value, status, text)
        for flag in flags:
            status = flag_status(record[headers.index(flag)])
            if status is None:
                continue
            base = FLAG_SUFFIX.sub("", flag).lower()
            marked = ([h for h in cells if h.lower() == base] or [h for h in cells if h.lower().startswith(base + " ")]
                      or [h for h in cells if COUNT_WORDS.search(h)])
            for header in marked:
                cells[header].value, cells[header].status = None, status
        rows.append(Row(path.name, number, labels, cells))
    return headers, rows



def area_of(text: str, borough: str) -> str:
    lower = text.lower()
    if "rest of london" in lower or "other london" in lower:
        return "rest"
    if re.search(r"england|wales|similar|national|metropolitan police area|\bother (cases|referrals|people|offences|applicants|"
                 r"victims|women|children)\b|without|\bnon-", lower):
        return "other"
    if "london" in lower:
        return "london"
    return "borough"


def count_columns(headers: list[str], rows: list[Row], threshold: int) -> set[str]:
    """Columns holding counts: any cell shown as "<7", or a count-like header whose shown cells are whole."""
    found = set()
    for header in headers:
        cells = [row.cells[header] for row in rows if header in row.cells]
        if not cells or STATISTIC.search(header) or SHARE.search(header) or CONTEXT.search(header):
            continue
        if any(c.status == "primary" for c in cells):
            found.add(header)
        elif COUNT_WORDS.search(header) and all(c.value is None or float(c.value).is_integer() for c in cells):
            found.add(header)
    return found


# -- the attacks ----------------------------------------------------------------------------------------

class Auditor:
    def __init__(self, root: Path, threshold: int | None = None) -> None:
        self.root = Path(root)
        self.site = self.root / "output" / "site"
        self.values = _read_json(self.root / "artifacts" / "values.json")
        edition_threshold = self.values.get("edition.suppression_threshold", {}).get("value")
        self.threshold = int(threshold or edition_threshold or 7)
        self.borough = str(self.values.get("edition.borough", {}).get("text", ""))
        self.report = AuditReport(self.root.name, self.threshold)
        self.checked: dict[str, int] = defaultdict(int)
        self.hidden: dict[str, int] = defaultdict(int)
        self.aliases = _abuse_type_aliases()
        self.tables: dict[str, tuple[list[str], list[Row]]] = {}
        # Tables whose rows do not add up to their total (their note says so): each row is at most the total.
        manifest = _read_json(self.root / "artifacts" / "manifest.json")
        self.not_adding_up = {Path(entry["csv"]).name for kind in ("tables", "figures") for entry in manifest.get(kind, [])
                            if entry.get("rows_do_not_add_up") and entry.get("csv")}

    def find(self, attack: str, cell: str, value: float | None, *sources: str) -> None:
        finding = Finding(attack, cell, value, list(dict.fromkeys(sources)))
        if finding not in self.report.findings:
            self.report.findings.append(finding)

    def run(self, staged: Path | None = None) -> AuditReport:
        data = self.site / "artifacts" / "data"
        for path in sorted(data.glob("*.csv")) if data.is_dir() else []:
            self.tables[path.name] = read_csv_rows(path, self.threshold)
        self.checked["CSV files"] = len(self.tables)
        for name, (headers, rows) in self.tables.items():
            for row in rows:
                for cell in row.cells.values():
                    self.checked["table cells"] += 1
                    if cell.status in ("primary", "secondary"):
                        self.hidden[f"{cell.status} (published files)"] += 1
            self.derived_beside_hidden(name, headers, rows)
            self.total_rows(name, headers, rows)
            self.share_groups(name, headers, rows)
        self.checked["prose values"] = len(self.values)
        self.prose_statistics()
        self.area_differences()
        texts = list(self.published_texts())
        self.checked["pages, paragraphs and lines of text"] = len(texts)
        self.identifiers(staged, texts)
        self.report.unfinished = [fault.line() for where, text in texts if not where.endswith(".csv")
                                  for fault in text_faults(text, where)]
        self.private_files()
        ledger = _read_json(self.root / "artifacts" / "disclosure.json")
        for tally in ledger.values():
            for how, number in tally.items():
                self.hidden[how] += number
        self.report.checked = dict(self.checked)
        self.report.hidden = dict(self.hidden)
        return self.report

    # share x total, p-value inversion, all in one group: statistics in the row of a hidden count
    def derived_beside_hidden(self, name: str, headers: list[str], rows: list[Row]) -> None:
        counts = count_columns(headers, rows, self.threshold)
        for row in rows:
            hidden = [row.cells[h] for h in counts if h in row.cells and row.cells[h].status in ("primary", "secondary")]
            if not hidden:
                continue
            for cell in hidden:
                area = area_of(cell.header, self.borough)
                shown = [c for h, c in row.cells.items() if h not in counts and c.status == "shown"
                         and (STATISTIC.search(h) or SHARE.search(h)) and not CONTEXT.search(h)
                         and area_of(h, self.borough) == area and not _other_year(h, cell.header)]
                shares = [c for c in shown if SHARE.search(c.header) and not STATISTIC.search(c.header)]
                if len(shares) > 1 and sum(1 for c in shares if c.value) <= 1:
                    self.find("all in one group", cell.source, None, *[c.source for c in shares])
                elif shown:
                    self.find("statistic of a hidden count", cell.source, None, shown[0].source)
                elif cell.status == "primary":
                    verdicts = [f"{row.source} row {row.number}, {h!r} ({text})" for h, text in row.labels.items()
                                if VERDICT.search(h) and text.strip().lower() in ("yes", "no")]
                    if verdicts:
                        self.find("statistic of a hidden count", cell.source, None, verdicts[0])

    # part = total - other parts, with a total row
    def total_rows(self, name: str, headers: list[str], rows: list[Row]) -> None:
        counts = count_columns(headers, rows, self.threshold)
        label_headers = [h for h in headers if all(h in r.labels or h not in r.cells for r in rows)]
        if not label_headers:
            return
        first = label_headers[0]
        others = label_headers[1:]
        groups: dict[tuple, list[Row]] = defaultdict(list)
        for row in rows:
            groups[tuple(row.labels.get(h, "") for h in others)].append(row)
        for key, members in groups.items():
            totals = [r for r in members if TOTAL_LABEL.match(r.labels.get(first, ""))]
            if len(totals) != 1 or len(members) < 3:
                continue
            total, parts = totals[0], [r for r in members if r is not totals[0]]
            for header in counts:
                cells = [total.cells.get(header)] + [p.cells.get(header) for p in parts]
                if any(c is None for c in cells):
                    continue
                self.solve([(cells[0], cells[1:])], f"{name}, column {header!r}",
                           partial=name in self.not_adding_up)

    # a group's total from its shares (count / share) or from the prose, then total - shown parts
    def share_groups(self, name: str, headers: list[str], rows: list[Row]) -> None:
        counts = sorted(count_columns(headers, rows, self.threshold))
        shares = [h for h in headers if "%" in h and not STATISTIC.search(h)]
        labels = [h for h in headers if any(h in r.labels for r in rows)]
        if len(counts) != 1 or len(labels) < 1:
            return
        count = counts[0]
        base = next((h for h in labels for share in shares[:1] if _shares_word(h, share)), None)
        equations = []
        for header in labels:
            groups: dict[str, list[Row]] = defaultdict(list)
            for row in rows:
                groups[row.labels.get(header, "")].append(row)
            if len(groups) < 2:
                continue
            for group, members in groups.items():
                cells = [r.cells[count] for r in members if count in r.cells]
                total, where = None, ""
                if header == base:
                    total = _total_from_shares([(r.cells.get(count), r.cells.get(shares[0])) for r in members])
                    where = f"{name}: the total of {group!r} from count / share"
                if total is None:
                    total, where = self.prose_total(group, cells)
                if total is not None:
                    equations.append((Cell(f"{where} ({total:g})", count, total, "shown", str(total)), cells))
        if equations:
            self.solve(equations, f"{name}, column {count!r}", partial=name in self.not_adding_up)

    def prose_totals(self) -> list[tuple[float, str, str]]:
        """Counts the prose quotes: ``(count, words after it, where)`` from count values and from sentences."""
        if not hasattr(self, "_prose_totals"):
            found = []
            for key, entry in self.values.items():
                if entry.get("kind") == "count" and entry.get("value") is not None:
                    found.append((float(entry["value"]), key.split(".")[-1].replace("_", " "),
                                  f"values.json {key} ({entry['text']})"))
                elif entry.get("kind") == "text":
                    for match in re.finditer(r"(?<![\d.,])(\d[\d,]*)(?: \([\d.]+%\))? ([a-z][a-z ]{3,60})",
                                             str(entry["text"])):
                        found.append((float(match.group(1).replace(",", "")), match.group(2),
                                      f"values.json {key} (\"{match.group(0).strip()}\")"))
            self._prose_totals = found
        return self._prose_totals

    def prose_total(self, label: str, cells: list[Cell]) -> tuple[float | None, str]:
        """A count the prose quotes for ``label`` (e.g. "11 declined the service" for "Declined services")."""
        words = [w for w in slug(label).split("_") if len(w) > 3]
        if not words:
            return None, ""
        shown = sum(c.value for c in cells if c.value is not None)
        primary = sum(1 for c in cells if c.status == "primary")
        hidden = any(c.value is None and c.status in ("primary", "secondary") for c in cells)
        for total, phrase, where in self.prose_totals():
            found = sum(1 for w in words if w[:6] in phrase)
            if found * 2 >= len(words) + 1 and total - shown >= primary and (hidden or total == shown):
                return total, where
        return None, ""

    def solve(self, equations: list[tuple[Cell, list[Cell]]], where: str, *, partial: bool = False) -> None:
        known, bounds, relations, names = {}, {}, [], {}
        for total, parts in equations:
            members = []
            for cell in [total, *parts]:
                names[cell.source] = cell
                members.append(cell.source)
                if cell.value is not None:
                    known[cell.source] = cell.value
                elif cell.status == "primary":
                    bounds[cell.source] = (1.0, float(self.threshold - 1))
                elif cell.status == "secondary":
                    bounds[cell.source] = (0.0, math.inf)
                else:
                    bounds[cell.source] = (0.0, math.inf)
            relations.append(sup.Relation(members[0], tuple(members[1:]), partial))
        if not any(names[c].status == "primary" for c in bounds):
            return
        ranges = sup.feasible_ranges(known, bounds, relations)
        for cell, (low, high) in ranges.items():
            if names[cell].status == "primary" and sup.pinned(low, high):
                self.find("total difference", cell, round(low), where,
                          *_combined(cell, relations, set(bounds)))

    # borough = London - rest of London, across prose values and tables
    def area_facts(self) -> dict[str, dict[str, list[tuple[float | None, str, str]]]]:
        facts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for key, entry in self.values.items():
            if entry.get("kind") != "count":
                continue
            *parents, last = key.split(".")
            match = VALUE_AREA.match(last)
            if not match or not parents:
                continue
            area = {"london_": "london", "rest_": "rest"}.get(match.group("area") or "", "borough")
            entity = self.aliases.get(parents[-1], parents[-1]) + (f"|{match.group('pre')}" if match.group("pre") else "")
            value, status = parse_cell(entry["text"], self.threshold)
            facts[entity][area].append((value, status, f"values.json {key} ({entry['text']})",
                                        ".".join(parents)))
        for name, (headers, rows) in self.tables.items():
            counts = count_columns(headers, rows, self.threshold)
            area_header = next((h for h in headers if h.lower() == "area"), None)
            if any(re.search(r"year|month|quarter|date|period", h, re.I) for h in headers):
                continue  # several periods: not the year the prose values quote
            for row in rows:
                labels = {h: v for h, v in row.labels.items() if h != area_header}
                if not labels:
                    continue
                entity = slug(next(iter(labels.values())))
                for header in counts:
                    cell = row.cells.get(header)
                    if cell is None or cell.status == "empty":
                        continue
                    area = area_of(row.labels.get(area_header, "") if area_header else header, self.borough)
                    facts[entity][area].append((cell.value, cell.status, cell.source, name))
        return facts

    def area_differences(self) -> None:
        # (target, from, from, sign): borough = London - rest, rest = London - borough, London = borough + rest
        ways = (("borough", "london", "rest", -1), ("rest", "london", "borough", -1), ("london", "borough", "rest", 1))
        for entity, areas in self.area_facts().items():
            for target, left, right, sign in ways:
                for value, status, source, origin in areas.get(target, []):
                    if status not in ("primary", "secondary"):
                        continue
                    for a_value, _, a_source, a_origin in areas.get(left, []):
                        for b_value, _, b_source, b_origin in areas.get(right, []):
                            if a_value is None or b_value is None or not _may_combine(origin, a_origin, b_origin):
                                continue
                            recovered = a_value + sign * b_value
                            fits = (1 <= recovered <= self.threshold - 1) if status == "primary" else recovered >= 0
                            if fits and float(recovered).is_integer():
                                self.find("area difference", source, recovered, a_source, b_source)

    def prose_statistics(self) -> None:
        """A statistic the prose quotes (``P.p``, ``P.rank``, ``P.x_ci``, ``P.x_p``) beside its hidden base: ``P.x``
        (or ``P.x_share``, ``P.x_count``), else ``P.count``, else ``P.change`` (a test of two periods)."""
        groups: dict[str, dict[str, dict]] = defaultdict(dict)
        for key, entry in self.values.items():
            *parents, last = key.split(".")
            groups[".".join(parents)][last] = entry
        for prefix, entries in groups.items():
            for last, entry in entries.items():
                stem = re.sub(r"(^|_)(p|ci|rank|z)$", "", last)
                if stem == last or not re.search(r"\d", str(entry["text"])):
                    continue
                if parse_cell(str(entry["text"]), self.threshold)[1] in ("primary", "secondary"):
                    continue
                names = [f"{stem}", f"{stem}_share", f"{stem}_count", f"{stem}_rate"] if stem else ["count", "change"]
                base = next((n for n in names if n in entries and n != last), None)
                if base is None:
                    continue
                status = parse_cell(str(entries[base]["text"]), self.threshold)[1]
                if status in ("primary", "secondary"):
                    self.find("statistic of a hidden count", f"values.json {prefix}.{base} ({entries[base]['text']})",
                              None, f"values.json {prefix}.{last} ({entry['text']})")

    # record-level identifiers and private files
    def published_texts(self) -> Iterator[tuple[str, str]]:
        yield from published_texts(self.root / "output")
        for name, (headers, rows) in self.tables.items():
            yield name, " ".join(headers) + " " + " ".join(
                " ".join(row.labels.values()) + " " + " ".join(c.text for c in row.cells.values()) for row in rows)

    def identifiers(self, staged: Path | None, texts: list[tuple[str, str]]) -> None:
        tokens = {where: {token for token in set(TOKEN.findall(text)) if _may_be_identifier(token)}
                  for where, text in texts}
        looked_for, ids = record_identifiers(staged or self.root / "staged", set().union(*tokens.values()))
        self.checked["record-level identifiers looked for"] = looked_for
        for where, found in tokens.items():
            for token in sorted(found & ids.keys()):
                self.find("record-level identifier", f"{ids[token]} {token!r}", None, where)

    def private_files(self) -> None:
        output = self.root / "output"
        files = [p for p in output.rglob("*") if p.is_file()] if output.is_dir() else []
        self.checked["published files"] = len(files)
        for path in files:
            relative = path.relative_to(output)
            if path.suffix in PRIVATE_SUFFIXES or any(part in PRIVATE_FOLDERS for part in relative.parts[:-1]):
                self.find("private file", str(relative), None, "the published output")
        for page in sorted(self.site.rglob("*.html")) if self.site.is_dir() else []:
            for target in re.findall(r"""(?:href|src)\s*=\s*["']([^"'#?]+)""", page.read_text(encoding="utf-8")):
                parts = Path(target).parts
                if Path(target).suffix in PRIVATE_SUFFIXES or any(part in PRIVATE_FOLDERS for part in parts):
                    self.find("private file", target, None, f"a link in {page.name}")


def _may_be_identifier(value: str) -> bool:
    """Short all-digit ids are left out: they cannot be told from the numbers a report prints."""
    return len(value) >= 4 and not (value.isdigit() and len(value) < 8)


def record_identifiers(staged: Path, tokens: set[str]) -> tuple[int, dict[str, str]]:
    """How many distinct id values the staged extracts hold, and which of ``tokens`` are among them
    (``{value: column}``).

    The published words are looked up in each id column with pyarrow (``is_in``), so the millions of staged ids
    are never held as Python strings: the audit is a step of every build."""
    if not staged or not Path(staged).is_dir():
        return 0, {}
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = pa.array(sorted(tokens), type=pa.string())
    found: dict[str, str] = {}
    distinct = []
    for path in sorted(Path(staged).rglob("*.parquet")):
        names = [n for n in pq.read_schema(path).names if ID_COLUMN.search(n)]
        if not names:
            continue
        table = pq.read_table(path, columns=names)
        for name in names:
            values = pc.unique(pc.drop_null(table[name]).cast(pa.string()))
            long = pc.greater_equal(pc.utf8_length(values), 4)
            short_number = pc.and_(pc.match_substring_regex(values, r"^\d+$"), pc.less(pc.utf8_length(values), 8))
            values = values.filter(pc.and_(long, pc.invert(short_number)))
            distinct.append(values)
            for value in values.filter(pc.is_in(values, value_set=wanted)).to_pylist():
                found[value] = name
    count = len(pc.unique(pa.chunked_array(distinct, type=pa.string()))) if distinct else 0
    return count, found


def _total_from_shares(pairs: list[tuple[Cell | None, Cell | None]]) -> float | None:
    """The one whole number every shown (count, share %) pair agrees is the group's total, if there is one."""
    low, high = 0.0, math.inf
    for count, share in pairs:
        if count is None or share is None or count.value is None or share.value is None or share.value <= 0:
            continue
        step = 0.05 if "." in share.text else 0.5
        low = max(low, count.value * 100 / (share.value + step))
        high = min(high, count.value * 100 / max(share.value - step, 1e-9))
    if high == math.inf:
        return None
    whole = [n for n in range(math.ceil(low), math.floor(high) + 1)]
    return float(whole[0]) if len(whole) == 1 else None


def _combined(cell: str, relations: list, unknown: set[str]) -> list[str]:
    """The published totals that, linked through hidden cells, pin ``cell``."""
    reached, frontier, totals = {cell}, [cell], []
    while frontier:
        current = frontier.pop()
        for relation in relations:
            if current in relation.members:
                if relation.total not in unknown and relation.total not in totals:
                    totals.append(relation.total)
                for member in relation.members:
                    if member in unknown and member not in reached:
                        reached.add(member)
                        frontier.append(member)
    return totals


def _may_combine(*origins: str) -> bool:
    """Figures of one prose family (``types.forced_marriage``) or one table combine, and a table with the prose;
    two different tables, or two prose families, may count different things under one label."""
    tables = {o for o in origins if o.endswith(".csv")}
    families = {o for o in origins if not o.endswith(".csv")}
    return len(tables) <= 1 and len(families) <= 1


def _shares_word(label_header: str, share_header: str) -> bool:
    """True when a share's header names the label it is a share of ("% of the source's referrals")."""
    return any(len(word) > 3 and word in slug(share_header).split("_") for word in slug(label_header).split("_"))


def _other_year(header: str, count_header: str) -> bool:
    """True when a statistic's header names a period the count's header does not (Dec 2023 beside Dec 2024)."""
    years = set(re.findall(r"\b(?:19|20)\d\d\b", header))
    return bool(years) and not years & set(re.findall(r"\b(?:19|20)\d\d\b", count_header))


def _abuse_type_aliases() -> dict[str, str]:
    """Abuse-type keys → the slug of their label (Appendix 6c publishes both), so prose and tables match."""
    try:
        from vawg.foundations import reference

        types = reference.abuse_types()
        return {row.abuse_type: slug(row.label) for row in types.itertuples()}
    except Exception:  # the audit still runs on an edition without the project beside it
        return {}


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def audit_edition(root: Path | str, *, staged: Path | None = None, threshold: int | None = None,
                  edition: str | None = None) -> AuditReport:
    """Attack the edition at ``root`` (``build/<edition>``, with ``output/`` and ``artifacts/values.json``)."""
    auditor = Auditor(Path(root), threshold)
    if edition:
        auditor.report.edition = edition
    return auditor.run(staged)


def write_report(report: AuditReport, root: Path | str) -> Path:
    path = Path(root) / "audit.json"
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path
