"""Camden Safety Net (DS-08): referrals (workflows, each with its contact form), risk checklists and intake forms.

A person may be referred several times; each referral is a workflow with one
contact form. Risk indicator checklists (DASH plus the service's own
questions) and client intake forms belong to a workflow. Only the reporting
council has this data.
"""

from __future__ import annotations

from vawg.intake.contracts._spec import ONE_OWNER, council_borough, EARLIEST, Contract, Field, RowCheck

YES_NO = ("Yes", "No", "Not recorded")
GENDERS = ("Woman", "Man", "Non-binary", "Other", "Not recorded")
REFERRAL_SOURCES = ("Children and young people services", "Self-referral", "Adult safeguarding", "Police",
                    "Health", "MARAC", "DVA services", "Housing", "Other agency")
ABUSE_TYPES = ("DVA", "DVA - Intimate ex-partner", "DVA - Intimate partner violence",
               "DVA - Family (incl. child v parent, sibling)", "DVA - Honour based violence", "DVA - Forced marriage",
               "Non-DVA - Sexual exploitation", "Non-DVA - Stalking and harassment",
               "Non-DVA - Rape or sexual assault")
OUTCOMES = ("DVA client", "Declined services", "Safety advice and information", "Unable to make safe contact",
            "Referred to another service", "Not converted")
INTERVENTIONS = ("Safety plan", "MARAC referral", "Counselling referral", "Move to a safe address in borough",
                 "Sanctuary scheme", "IDVA support", "Legal or civil remedy")
RISK_LEVELS = ("Standard", "Medium", "High")
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other", "Not recorded")
RELIGIONS = ("Christian", "Muslim", "Jewish", "No religion", "Other religion", "Prefer not to say", "Not recorded")
SEXUAL_ORIENTATIONS = ("Heterosexual", "Lesbian, gay, bisexual or other", "Prefer not to say", "Not recorded")
MARITAL_STATUSES = ("Single", "Married or civil partnership", "Cohabiting", "Separated or divorced", "Widowed",
                    "Not recorded")
EMPLOYMENT = ("Full-time", "Part-time", "Self-employed", "Unemployed", "Student", "Retired",
              "Long-term sick or disabled", "Don't know", "Not recorded")
MENTAL_HEALTH = ("Diagnosed", "Undiagnosed", "None", "Unknown")
APTR_RELATIONSHIPS = ("Ex-partner", "Partner", "Family member", "Other", "Not recorded")


def _answer(name: str, description: str) -> Field:
    return Field(name, "category", description, allowed=YES_NO)


CSN_WORKFLOWS = Contract(
    name="csn_workflows",
    title="Camden Safety Net referrals (workflows and contact forms)",
    folder="csn",
    files="csn_workflows*",
    council=True,
    period_field="referral_date",
    description="One row per referral (workflow) with its contact form.",
    fields=(
        Field("workflow_id", "text", "Reference of the referral", unique=True),
        Field("person_id", "text", "Reference of the person referred (the same across referrals)"),
        Field("referral_date", "date", "Date of referral", minimum=EARLIEST, maximum="today"),
        Field("new_or_repeat", "category", "New to the service or referred before",
              allowed=("New", "Repeat", "Not recorded")),
        Field("referral_source", "category", "Who referred", allowed=REFERRAL_SOURCES),
        Field("abuse_types", "multi", "Abuse types on the contact form (multi-select; empty = none selected)",
              nullable=True, allowed=ABUSE_TYPES),
        Field("risk_assessment_completed", "bool", "A risk indicator checklist was completed"),
        Field("risk_level", "category", "Risk level of the latest checklist", nullable=True, allowed=RISK_LEVELS),
        Field("outcome", "category", "Outcome of the referral", allowed=OUTCOMES),
        Field("interventions", "multi", "Case-work interventions (DVA clients)", nullable=True,
              allowed=INTERVENTIONS),
        Field("gender", "category", "Gender", allowed=GENDERS),
        Field("gender_same_as_birth", "category", "Gender the same as assigned at birth",
              allowed=("Yes", "No", "Prefer not to say", "Not recorded")),
        Field("age", "int", "Age in years at referral", nullable=True, minimum=10, maximum=120,
              expected="an age from 10 to 120"),
        Field("ethnicity", "category", "Broad ethnic group", allowed=ETHNIC_GROUPS),
        Field("disability", "category", "Disabled", allowed=YES_NO),
        Field("religion", "category", "Religion or belief", allowed=RELIGIONS),
        Field("sexual_orientation", "category", "Sexual orientation", allowed=SEXUAL_ORIENTATIONS),
        Field("marital_status", "category", "Marital status", allowed=MARITAL_STATUSES),
        Field("employment_status", "category", "Employment status (contact form)", allowed=EMPLOYMENT),
        Field("mental_health", "category", "Mental health need", allowed=MENTAL_HEALTH),
        Field("drug_use", "category", "Drug use recorded", allowed=YES_NO),
        Field("alcohol_use", "category", "Alcohol use recorded", allowed=YES_NO),
        _answer("children_involved", "Children involved or affected"),
        _answer("pregnant", "Pregnant at referral"),
        _answer("council_tenant", "Council tenant"),
        council_borough(),
    ),
    row_checks=(
        RowCheck("risk_level_needs_assessment", "risk_level", "empty unless a risk assessment was completed",
                 lambda frame, context: frame["risk_assessment_completed"].astype(bool),
                 needs=("risk_level", "risk_assessment_completed")),
        ONE_OWNER,
    ),
)

CSN_RISK_CHECKLISTS = Contract(
    name="csn_risk_checklists",
    title="Camden Safety Net risk indicator checklists",
    folder="csn",
    files="csn_risk_checklists*",
    council=True,
    period_field="completed_date",
    references=(("workflow_id", "csn_workflows", "workflow_id"),),
    description="One row per completed risk indicator checklist (DASH and the service's own questions).",
    fields=(
        Field("form_id", "text", "Reference of the form", unique=True),
        Field("workflow_id", "text", "The referral the form belongs to"),
        Field("completed_date", "date", "Date completed", minimum=EARLIEST, maximum="today"),
        Field("risk_level", "category", "Risk level", allowed=RISK_LEVELS),
        Field("dash_score", "int", "Number of DASH questions answered yes", minimum=0, maximum=24,
              expected="a score from 0 to 24"),
        _answer("frightened", "Is the victim very frightened?"),
        _answer("isolated", "Is the victim isolated from family or friends?"),
        _answer("emotions_hard", "Are emotions hard to manage?"),
        _answer("threatened_to_kill", "Has the abuser threatened to kill?"),
        _answer("stalked_or_harassed", "Is the victim stalked or harassed?"),
        _answer("controlling_or_jealous", "Is the abuser controlling or jealous?"),
        Field("children_harmed", "category", "Have children been harmed?",
              allowed=("Yes", "No", "Not applicable", "Not recorded")),
        _answer("depressed", "Does the victim feel depressed?"),
        _answer("low_mood", "Low mood"),
        _answer("suicidal", "Having suicidal thoughts"),
        council_borough(),
    ),
    row_checks=(ONE_OWNER,),
)

CSN_INTAKE_FORMS = Contract(
    name="csn_intake_forms",
    title="Camden Safety Net client intake forms",
    folder="csn",
    files="csn_intake_forms*",
    council=True,
    period_field="completed_date",
    references=(("workflow_id", "csn_workflows", "workflow_id"),),
    description="One row per intake form of a client taken on for case work, with the living situation and the "
                "alleged perpetrator (APTR) section.",
    fields=(
        Field("form_id", "text", "Reference of the form", unique=True),
        Field("workflow_id", "text", "The referral the form belongs to"),
        Field("completed_date", "date", "Date completed", minimum=EARLIEST, maximum="today"),
        Field("employment_status", "category", "Employment status (intake)", allowed=EMPLOYMENT),
        _answer("suicide_threatened_or_attempted", "Has the client threatened or attempted suicide?"),
        _answer("separated_from_aptr", "Separated from or not living with the alleged perpetrator"),
        _answer("aptr_has_access_to_address", "The alleged perpetrator has access to the client's address"),
        _answer("wants_to_flee", "The client wants to flee"),
        Field("aptr_relationship", "category", "Relationship of the alleged perpetrator", allowed=APTR_RELATIONSHIPS),
        _answer("aptr_arrested", "The alleged perpetrator has been arrested"),
        _answer("aptr_mental_health", "The alleged perpetrator has a mental health issue"),
        _answer("aptr_substance_use", "The alleged perpetrator uses drugs or alcohol"),
        _answer("multiple_aptrs", "More than one alleged perpetrator"),
        council_borough(),
    ),
    row_checks=(ONE_OWNER,),
)
