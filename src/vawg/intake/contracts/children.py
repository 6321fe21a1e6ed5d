"""Children's safeguarding and social work (CSSW) and Early Help (DS-10): one row per child per form.

Forms: MASH contact and referral and child and family assessment (CSSW,
delivered to ``cssw/``), Early Help family assessment (``early_help/``). A
workflow may include several children; a child (person) may have several
workflows. Assessment factors are multi-select; the ones that count as VAWG
are listed in Appendix 6g (``data/reference/children_safeguarding_flags.csv``).
"""

from __future__ import annotations

import pandas as pd

from vawg.intake.contracts._spec import ONE_OWNER, council_borough, EARLIEST, Context, Contract, Field, RowCheck
from vawg.foundations.reference import reference_path

# Assessment factors that are not VAWG (recorded on the same forms).
OTHER_FACTORS = ("Parental mental health", "Parental alcohol misuse", "Parental drug misuse", "Child mental health",
                 "Child learning disability", "Young carer", "Going missing", "Gangs", "Self-harm",
                 "Housing difficulties", "Financial difficulties", "Not attending school", "Privately fostered",
                 "Socially unacceptable behaviour")
ETHNIC_GROUPS = ("White", "Asian or Asian British", "Black or Black British", "Mixed", "Other", "Not recorded")
RELIGIONS = ("Christian", "Muslim", "Jewish", "No religion", "Other religion", "Not recorded")
DISABILITY_TYPES = ("Physical", "Learning", "Sensory", "Other")
YES_NO = ("Yes", "No", "Not recorded")


def vawg_factors(form: str | None = None) -> list[str]:
    """The assessment factors that count as VAWG (Appendix 6g), for one form or all."""
    table = pd.read_csv(reference_path("children_safeguarding_flags.csv"), dtype=str)
    if form is not None:
        table = table[table["form"] == form]
    return sorted(set(table["assessment_factor"]))


def _all_factors(context: Context) -> list[str]:
    return sorted(set(vawg_factors()) | set(OTHER_FACTORS))


def _fields(form_types: tuple[str, ...], *, early_help: bool = False) -> tuple[Field, ...]:
    brief_closure = (Field("eh_brief_closure", "bool", "Early Help brief closure (left out of the analysis)",
                           nullable=True, required=False),) if early_help else ()
    return (
        Field("form_id", "text", "Reference of the form", unique=True),
        Field("form_type", "category", "mash_contact, cssw_assessment or eh_assessment", allowed=form_types),
        Field("workflow_id", "text", "Reference of the workflow (one episode; may include several children)"),
        Field("person_id", "text", "Reference of the child"),
        Field("completed_date", "date", "Date the form was completed", minimum=EARLIEST, maximum="today"),
        Field("assessment_factors", "multi", "Factors identified (multi-select)", nullable=True,
              allowed=_all_factors),
        *brief_closure,
        Field("sex", "category", "Female, Male or Unknown", allowed=("Female", "Male", "Unknown")),
        Field("age", "int", "Age in years when the form was completed", minimum=0, maximum=25,
              expected="an age from 0 to 25"),
        Field("ethnicity", "category", "Broad ethnic group", allowed=ETHNIC_GROUPS),
        Field("religion", "category", "Religion", allowed=RELIGIONS),
        Field("disability", "category", "Disabled", allowed=YES_NO),
        Field("disability_types", "multi", "Kinds of disability", nullable=True, allowed=DISABILITY_TYPES),
        Field("looked_after", "bool", "Looked after by the council"),
        Field("re_referral", "bool", "Referred again within 12 months of a previous referral"),
        Field("cin_visit", "bool", "Child in need visit in the workflow"),
        Field("strategy_discussion", "bool", "Strategy discussion in the workflow"),
        Field("cin_plan", "bool", "Child in need plan in the workflow"),
        Field("housing_issue", "category", "Housing issue identified", allowed=YES_NO),
        Field("council_tenant", "category", "Family are council tenants", allowed=YES_NO),
    )


def _person_keeps_sex(frame: pd.DataFrame, context: Context) -> pd.Series:
    sexes = frame.groupby("person_id")["sex"].transform("nunique")
    return sexes == 1


PERSON_KEEPS_SEX = RowCheck("person_keeps_sex", "sex", "the same sex on every form of the same person_id",
                            _person_keeps_sex, needs=("person_id", "sex"))

CSSW_FORMS = Contract(
    name="cssw_forms",
    title="Children's safeguarding and social work forms (MASH contacts and assessments)",
    folder="cssw",
    council=True,
    period_field="completed_date",
    description="One row per child per MASH contact and referral or child and family assessment.",
    fields=(*_fields(("mash_contact", "cssw_assessment")), council_borough()),
    row_checks=(PERSON_KEEPS_SEX, ONE_OWNER),
)

EARLY_HELP_FORMS = Contract(
    name="early_help_forms",
    title="Early Help family assessments",
    folder="early_help",
    council=True,
    period_field="completed_date",
    description="One row per child per Early Help family assessment (brief closures flagged).",
    fields=(*_fields(("eh_assessment",), early_help=True), council_borough()),
    row_checks=(PERSON_KEEPS_SEX, ONE_OWNER),
)
