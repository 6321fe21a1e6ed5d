"""The report's notebooks, declared once: what each one reads.

The build runs the notebooks in this order and takes from here what each depends on, so it can
reuse a notebook's cached result when none of that has changed (:mod:`vawg.running.buildcache`) and run
notebooks that do not depend on each other at the same time.

A section declares:

- ``staged``: the staged tables it reads (``<staged>/<name>.parquet``; a trailing ``*`` matches a prefix);
- ``parameters``: the build parameters its code uses (a test checks each notebook uses no other);
- ``project``: files of the repository it reads beyond the package code, as globs from the project root,
  ``{slug}`` standing for the borough's folder name (folders count with everything inside);
- ``needs``: the sections whose artifacts it reads; ``EARLIER`` means every section listed before it;
- ``reads``: which of their artifacts (``values.json``, ``manifest.json``, ``partials``, ``methods.json`` …): only
  a change there reruns it;
- ``requires``: the extract group (:data:`EXTRACT_GROUPS`) it cannot run without; its notebook is skipped,
  and the chapters say so, in an edition that lacks it (:mod:`vawg.writing.supply`).

The package code a notebook calls is not declared: the build follows the notebook's imports
through the package (:func:`vawg.running.buildcache.code_closure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EARLIER = "*earlier*"
# Lists the sources, metrics and tests the notebooks before it recorded (Appendix 6a, 6d, 6e): none after it may
# record one it has not listed (vawg.running.build checks).
METHODS_APPENDIX = "90-appendix-methods"
REFERENCE_TABLES = "reference_*"
# Read by most analysis through vawg.foundations.reference: the shipped lookups and the open data fallback.
SHARED_PROJECT_FILES = ("data/reference", "data/open", "references.json")
BOROUGH_FILES = ("data/boroughs/{slug}/*.yaml", "data/boroughs/{slug}/*.qmd")
ANALYSIS = ("period_end", "borough", "suppression_threshold")
WITH_REFERENCE = (*ANALYSIS, "reference_dir")


# The Navigators' figures are typed into a reference file, not delivered as an extract.
NAVIGATORS = "da_navigators"


@dataclass(frozen=True)
class ExtractGroup:
    """Extracts a part of the report cannot do without, and the ids of what that part publishes."""

    name: str
    what: str                 # how the report names its data, in any borough's edition
    extracts: tuple[str, ...]
    outputs: tuple[str, ...]  # prefixes of its value keys and figure and table ids


EXTRACT_GROUPS: dict[str, ExtractGroup] = {group.name: group for group in (
    ExtractGroup("csn", "council DVA service's extract", ("csn_workflows",),
                 ("csn.", "profiles.csn_", "fig-csn-", "tbl-csn-")),
    ExtractGroup("marac", "MARAC extract", ("marac",), ("marac.", "fig-marac-", "tbl-marac-")),
    ExtractGroup("children", "children's safeguarding and Early Help extracts", ("cssw_forms", "early_help_forms"),
                 # Not tbl-children-safeguarding-flags: Appendix 6g's lookup is reference data, in every edition.
                 ("children.", "fig-children-", "tbl-children-persons", "tbl-children-workflow", "tbl-girls-")),
    ExtractGroup("housing", "housing extracts", ("housing_register", "homelessness_applications"),
                 ("housing.", "fig-housing-", "fig-homelessness-", "tbl-housing-")),
    ExtractGroup("adult_safeguarding", "adult social care safeguarding extract", ("asc_safeguarding",),
                 ("asc.", "profiles.asc_", "fig-asc-", "tbl-asc-")),
    ExtractGroup("victim_support", "Victim Support extract", ("victim_support",),
                 ("victim_support.", "tbl-victim-support-")),
    # No notebook requires it: the Safety Bus figure lives on its card, in an .if-supplied block.
    ExtractGroup("safety_bus", "Safety Bus activity log", ("safety_bus_contacts",), ("fig-safety-bus-",)),
    ExtractGroup("navigators", "Domestic Abuse Navigators' annual report figures", (NAVIGATORS,), ("navigators.",)),
    # No notebook requires it: the methods appendix writes Appendix 6f only when it was delivered.
    ExtractGroup("nhs_fgm", "NHS England figures on female genital mutilation", ("nhs_fgm",), ("tbl-nhs-fgm",)),
)}


@dataclass(frozen=True)
class Section:
    notebook: str
    staged: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ANALYSIS
    project: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ("values.json", "manifest.json", "partials")
    requires: str | None = None
    declared: bool = True  # False: not in the registry, so never reused

    @property
    def name(self) -> str:
        return Path(self.notebook).stem

    def reads_table(self, table: str) -> bool:
        """Whether ``staged`` names the staged table ``table``."""
        return any(matches_table(pattern, table) for pattern in self.staged)


def matches_table(pattern: str, table: str) -> bool:
    """A ``staged`` entry names a table exactly, or by a prefix ending in ``*``."""
    return table == pattern or pattern.endswith("*") and table.startswith(pattern[:-1])


SECTIONS: tuple[Section, ...] = (
    Section("03-recorded-offences.ipynb", staged=("police_offences", "population")),
    Section("05-context.ipynb", parameters=("borough", "suppression_threshold"), project=BOROUGH_FILES),
    Section("30-population.ipynb", staged=("population", REFERENCE_TABLES), parameters=WITH_REFERENCE),
    Section("31-crime-mix.ipynb", staged=("police_offences", "population")),
    Section("33-abuse-types.ipynb", staged=("police_offences", "population")),
    Section("34-relationships.ipynb", staged=("police_offences",)),
    Section("35-geography.ipynb", staged=("police_offences", "population", "wards", REFERENCE_TABLES),
            parameters=WITH_REFERENCE),
    Section("36-victim-profiles.ipynb", staged=("police_victims", "population", REFERENCE_TABLES),
            parameters=WITH_REFERENCE),
    Section("36b-service-profiles.ipynb", staged=("csn_workflows", "asc_safeguarding", "population", REFERENCE_TABLES),
            parameters=WITH_REFERENCE, requires="csn"),
    Section("37-forecast.ipynb", staged=("police_offences", "population")),
    Section("38-suspects.ipynb", staged=("police_suspects", "police_offences", "population")),
    Section("39-outcomes.ipynb", staged=("police_offences",)),
    Section("40-local-response.ipynb", staged=("safety_bus_contacts",),
            project=("data/boroughs/{slug}/services", "data/boroughs/{slug}/local-response.qmd",
                     "data/raw/safety_bus")),
    Section("41-csn.ipynb", staged=("csn_*", "population", REFERENCE_TABLES), parameters=WITH_REFERENCE,
            requires="csn"),
    Section("42-marac.ipynb", staged=("marac",), requires="marac"),
    Section("43-children.ipynb", staged=("cssw_forms", "early_help_forms"), requires="children"),
    Section("44-housing.ipynb", staged=("housing_register", "homelessness_applications"), requires="housing"),
    Section("45-adult-safeguarding.ipynb", staged=("asc_safeguarding",), requires="adult_safeguarding"),
    Section("46-victim-support.ipynb", staged=("victim_support",), requires="victim_support"),
    Section("47-da-navigators.ipynb", parameters=("borough", "suppression_threshold"), requires="navigators"),
    # `vawg new section` adds its sections above this line.
    # Appendix 6a says which extracts this edition received: every staged table is an input. 6a, 6d and 6e list
    # the sources, metrics and tests every earlier notebook recorded (vawg.foundations.methods_used): only those records rerun it.
    Section("90-appendix-methods.ipynb", staged=("*",), parameters=("borough", "suppression_threshold"),
            needs=(EARLIER,), reads=("methods.json",)),
    # The evidence check reads every id written before it and the book's own headings.
    Section("91-stakeholders-recommendations.ipynb", parameters=("borough", "suppression_threshold"),
            project=(*BOROUGH_FILES, "*.qmd", "chapters", "appendices"), needs=(EARLIER,)),
    Section("99-executive-summary.ipynb", needs=(EARLIER,), reads=("values.json",)),
)


def section_for(notebook: Path, registry: tuple[Section, ...] = SECTIONS) -> Section:
    """The declared section of ``notebook``; one not declared (a test's notebook) reruns every build."""
    for section in registry:
        if section.notebook == notebook.name:
            return section
    return Section(notebook.name, declared=False)


def dependencies(sections: list[Section]) -> dict[str, list[str]]:
    """Each section's name → the names of the sections it reads from, ``EARLIER`` resolved."""
    names = [section.name for section in sections]
    resolved = {}
    for position, section in enumerate(sections):
        needs: list[str] = []
        for need in section.needs:
            needs += names[:position] if need == EARLIER else [need]
        resolved[section.name] = [name for name in dict.fromkeys(needs) if name in names]
    return resolved
