"""Borough-specific report content: one folder per borough under ``data/boroughs/<slug>/``.

What a council writes rather than computes (its engagement, the themes people raised, the
dated survey figures it quotes, its recommendations) lives in its own borough's folder, so a
build for another borough never shows it. Each file is validated here; a mistake stops the
build naming the file and the field.

Files of a borough folder (each optional; a missing file means "not supplied")::

    engagement.yaml                  Chapter 5's engagement register (Table 10)
    themes.yaml                      Chapter 5's cross-cutting themes and enabling factors
    survey_values.yaml               dated survey figures, quoted as ``survey.<key>``
    insights.yaml                    Chapter 5's insights, one section per source
    recommendations.yaml             Chapter 6's recommendation areas and their evidence
    stakeholder_recommendations.yaml Appendix 3

Use :func:`load_borough_content` (``None`` when the borough has no folder) and
:func:`not_supplied` for the sentence a section shows instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vawg.foundations.errors import DataError
from vawg.foundations.paths import borough_dir, borough_slug, display_path  # noqa: F401 (borough_slug re-exported)
from vawg.analysis.services.loading import _describe, read_yaml

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
VAR = re.compile(r"\{\{<\s*var\s+([^\s>]+)\s*>\}\}")
EVIDENCE_ID = {"figures": re.compile(r"^fig-[a-z0-9-]+$"), "tables": re.compile(r"^tbl-[a-z0-9-]+$"),
               "sections": re.compile(r"^sec-[a-z0-9-]+$")}


class ContentError(DataError):
    """A borough content file is invalid; ``problems`` lists each as 'file: field: reason'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the borough content:\n{shown}")


def borough_folder(borough: str) -> Path:
    """Where a borough's content lives (whether or not it exists yet)."""
    return borough_dir(borough)


# Every file a borough folder may hold, and what in the report it feeds: the build names the missing ones.
CONTENT_FILES = {
    "contact.yaml": "accessibility statement and contact details",
    "acknowledgements.yaml": "acknowledgements",
    "scope.yaml": "Chapter 1's local strategy and scope",
    "local_policies.yaml": "Chapter 2's local strategies and plans",
    "further_documents.yaml": "Chapter 2's own reports and linked strategies",
    "local-response.qmd": "Chapter 4's account of the local response",
    "services/": "Chapter 4's service cards",
    "engagement.yaml": "Chapter 5's engagement register",
    "themes.yaml": "Chapter 5's themes",
    "survey_values.yaml": "Chapter 5's survey figures",
    "insights.yaml": "Chapter 5's insights",
    "recommendations.yaml": "Chapter 6's recommendations",
    "stakeholder_recommendations.yaml": "Appendix 3",
}


def missing_content_line(borough: str, folder: Path | None = None) -> str | None:
    """One line of the build's output naming the borough files not supplied, or None when all are there."""
    folder = folder if folder is not None else borough_dir(borough)
    missing = [name for name in CONTENT_FILES if not (folder / name.rstrip("/")).exists()]
    if not missing:
        return None
    return (f"{borough}'s own content is not in {display_path(folder)}/: {', '.join(missing)} "
            f"(data/boroughs/README.md describes each file); the report says not supplied in their place")


def _when(value: str) -> str:
    """"2025-06" → "June 2025"; "2024" stays "2024"; "2025-08-20" → "20 August 2025"."""
    match = MONTH.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date written as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if month is None:
        return year
    try:
        date = dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return f"{date.day} {date:%B %Y}" if day else f"{date:%B %Y}"


def _refuse_repeats(items: list[str], what: str) -> None:
    """A ValueError naming every ``what`` that appears more than once (ids must be unique to be cited)."""
    twice = sorted({item for item in items if items.count(item) > 1})
    if twice:
        raise ValueError(f"{what} used more than once: {', '.join(twice)}")


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"{value!r} must be lower-case words joined by '-'")
    return value


def _check_date(value: str | int | None) -> str | None:
    if isinstance(value, int):  # YAML reads a bare year as a number
        value = str(value)
    if value is not None:
        _when(value)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- Chapter 5
class EngagementActivity(_Strict):
    """One row of the engagement register (Table 10)."""

    id: str = Field(description="short id, also the source name recommendations cite, e.g. 'csn-staff'")
    source: str = Field(description="the abbreviation recommendations use for it, e.g. 'CSN'")
    activity: str
    kind: Literal["survivors", "professionals", "local-evidence", "wider-evidence"]
    who: str
    when: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD; first month of a span")
    until: str | None = Field(None, description="last month of a span, same format")
    how_many: int | None = Field(None, ge=0)
    how_many_upper: int | None = Field(None, ge=0, description="the top of a range ('27 to 30')")
    how_many_qualifier: Literal["exactly", "about", "over", "at least"] = "exactly"
    method: str
    run_by: str | None = None

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))
    _date = field_validator("when", "until", mode="before")(classmethod(lambda cls, value: _check_date(value)))

    @property
    def when_text(self) -> str:
        if self.when is None:
            return "Not recorded"
        return f"{_when(self.when)} to {_when(self.until)}" if self.until else _when(self.when)


class Engagement(_Strict):
    activities: list[EngagementActivity] = Field(min_length=1)
    planned: list[str] = Field(default_factory=list, description="engagement still to come")

    @model_validator(mode="after")
    def _unique(self) -> Engagement:
        for field in ("id", "source"):
            _refuse_repeats([getattr(a, field) for a in self.activities], f"activity {field}")
        return self


class Theme(_Strict):
    id: str
    title: str
    summary: str

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))


class Themes(_Strict):
    themes: list[Theme] = Field(min_length=1)
    enablers: list[Theme] = Field(default_factory=list, description="what helps, in the same form")

    @model_validator(mode="after")
    def _unique(self) -> Themes:
        _refuse_repeats([t.id for t in self.themes + self.enablers], "theme id")
        return self


class SurveyValue(_Strict):
    """One published figure from a survey or report, quoted in the prose as ``survey.<key>``."""

    key: str
    value: float
    kind: Literal["count", "percent", "number"]
    decimals: int = 0
    source: str
    collected: str = Field(description="when the figures were collected: YYYY, YYYY-MM or YYYY-MM-DD")
    description: str

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError(f"{value!r} must be dotted lower-case words, e.g. 'womens_safety_2024.respondents'")
        return value

    _collected = field_validator("collected", mode="before")(classmethod(lambda cls, value: _check_date(value)))


class SurveyValues(_Strict):
    values: list[SurveyValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SurveyValues:
        _refuse_repeats([v.key for v in self.values], "survey key")
        return self

    def value_key(self, value: SurveyValue) -> str:
        return f"survey.{value.key}"


class InsightSection(_Strict):
    """One source's insights: Markdown paragraphs or lists, in the council's words."""

    title: str
    activity: str | None = Field(None, description="the engagement activity id it reports, if any")
    text: str


class Insights(_Strict):
    sections: list[InsightSection] = Field(min_length=1)


# --------------------------------------------------------------------------- Chapter 6 and Appendix 3
class Action(_Strict):
    text: str
    sources: list[str] = Field(default_factory=list, description="engagement sources, or 'quantitative'")

    @property
    def sources_text(self) -> str:
        """" (Sources: CSN, this report's data.)", or "" when none was recorded."""
        named = ["this report's data" if s == QUANTITATIVE else s for s in self.sources]
        if not named:
            return ""
        return f" ({'Sources' if len(named) > 1 else 'Source'}: {', '.join(named)}.)"


class EvidenceValue(_Strict):
    key: str = Field(description="a key of this edition's values, e.g. 'offences.borough_rate'")
    label: str = Field(description="what the value measures, read before it")


class Evidence(_Strict):
    values: list[EvidenceValue] = Field(default_factory=list)
    figures: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self) -> Evidence:
        for field, pattern in EVIDENCE_ID.items():
            for item in getattr(self, field):
                if not pattern.match(item):
                    raise ValueError(f"{field}: {item!r} is not a {pattern.pattern[1:4]}- id")
        return self


class RecommendationArea(_Strict):
    id: str
    area: str = Field(description="the short name, e.g. 'Housing and benefits'")
    title: str = Field(description="the headline recommendation")
    goal: str
    actions: list[Action] = Field(min_length=1)
    evidence: Evidence

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))


class Recommendations(_Strict):
    areas: list[RecommendationArea] = Field(min_length=1)
    closing: str | None = Field(None, description="a closing paragraph after the areas")


class StakeholderTheme(_Strict):
    id: str
    title: str
    aim: str
    recommendations: list[Action] = Field(min_length=1)

    _slug = field_validator("id")(classmethod(lambda cls, value: _check_slug(value)))


class StakeholderRecommendations(_Strict):
    themes: list[StakeholderTheme] = Field(min_length=1)

    @property
    def count(self) -> int:
        return sum(len(theme.recommendations) for theme in self.themes)


# --------------------------------------------------------------------------- the folder
FILES: dict[str, type[BaseModel]] = {
    "engagement": Engagement,
    "themes": Themes,
    "survey_values": SurveyValues,
    "insights": Insights,
    "recommendations": Recommendations,
    "stakeholder_recommendations": StakeholderRecommendations,
}
QUANTITATIVE = "quantitative"  # the source name of actions resting on this report's data


@dataclass(frozen=True)
class BoroughContent:
    """A borough's content; a file it has not supplied is ``None``."""

    borough: str
    folder: Path
    engagement: Engagement | None = None
    themes: Themes | None = None
    survey_values: SurveyValues | None = None
    insights: Insights | None = None
    recommendations: Recommendations | None = None
    stakeholder_recommendations: StakeholderRecommendations | None = None

    def source_names(self) -> set[str]:
        return {a.source for a in self.engagement.activities} if self.engagement else set()

    def sources_key(self, actions: list[Action]) -> str:
        """A list saying what each source cited by ``actions`` stands for ("" without a register)."""
        if self.engagement is None:
            return ""
        cited = {source for action in actions for source in action.sources}
        named = [f"- **{a.source}**: {a.activity}" for a in self.engagement.activities
                 if a.source in cited and a.source != a.activity]
        if not named:
            return ""
        return "\n".join(["The sources named are sessions listed in @tbl-engagement-register:", "", *named])


def _message(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        location = ".".join(str(part) for part in error["loc"])
        return f"field '{location}': is not a field of this file (check the spelling and quoting)"
    return _describe(error)


def _load_file(path: Path, model: type[BaseModel]) -> tuple[BaseModel | None, list[str]]:
    where = display_path(path)
    try:
        data = read_yaml(path)
    except yaml.YAMLError as error:
        return None, [f"{where}: not valid YAML ({' '.join(str(error).split())})"]
    if not isinstance(data, dict):
        return None, [f"{where}: expected a mapping of fields, found {type(data).__name__}"]
    try:
        return model(**{str(key): value for key, value in data.items()}), []
    except ValidationError as error:
        return None, [f"{where}: {_message(item)}" for item in error.errors()]


def load_borough_content(borough: str, folder: Path | None = None) -> BoroughContent | None:
    """Read and check a borough's content folder; ``None`` when the borough has none.

    Raises
    ------
    ContentError
        Listing every problem of every file (each naming file and field), including
        sources, survey keys and themes that one file cites and another does not define.
    """
    folder = Path(folder) if folder is not None else borough_folder(borough)
    if not folder.is_dir():
        return None
    loaded: dict[str, BaseModel | None] = {}
    problems: list[str] = []
    for name, model in FILES.items():
        path = folder / f"{name}.yaml"
        if not path.exists():
            loaded[name] = None
            continue
        content, found = _load_file(path, model)
        loaded[name] = content
        problems.extend(found)
    content = BoroughContent(borough=borough, folder=folder, **loaded)
    problems.extend(_cross_check(content))
    if problems:
        raise ContentError(problems)
    return content


def _cross_check(content: BoroughContent) -> list[str]:
    """What one file names must exist in the other files of the folder."""
    problems = []
    where = display_path(content.folder)
    sources = content.source_names() | {QUANTITATIVE}
    for name, items in (
        ("recommendations.yaml", [(a.id, x) for a in content.recommendations.areas for x in a.actions]
         if content.recommendations else []),
        ("stakeholder_recommendations.yaml", [(t.id, x) for t in content.stakeholder_recommendations.themes
                                              for x in t.recommendations] if content.stakeholder_recommendations else []),
    ):
        for owner, action in items:
            for source in action.sources:
                if content.engagement is not None and source not in sources:
                    problems.append(f"{where}/{name}: {owner!r} cites source {source!r}, which engagement.yaml "
                                    f"does not list (known: {', '.join(sorted(sources))})")
    if content.insights is not None:
        keys = {f"survey.{v.key}" for v in content.survey_values.values} if content.survey_values else set()
        activities = {a.id for a in content.engagement.activities} if content.engagement else set()
        for section in content.insights.sections:
            for key in VAR.findall(section.text):
                if key not in keys:
                    problems.append(f"{where}/insights.yaml: section {section.title!r} quotes {key!r}, "
                                    f"which survey_values.yaml does not define")
            if section.activity and content.engagement is not None and section.activity not in activities:
                problems.append(f"{where}/insights.yaml: section {section.title!r} reports activity "
                                f"{section.activity!r}, which engagement.yaml does not list")
    return problems
