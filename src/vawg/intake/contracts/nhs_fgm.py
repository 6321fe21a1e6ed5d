"""NHS England Female Genital Mutilation Enhanced Dataset (DS-19): the published annual figures.

Counts by area, question and response as NHS England publishes them: 1 to 7
shown as ``*`` (staged as empty) and other counts rounded to the nearest 5.
The report turns them into rates per 1,000 female residents (Appendix 6f).
"""

from __future__ import annotations

from vawg.intake.contracts._spec import EARLIEST, Contract, Field, RowCheck

NHS_FGM = Contract(
    name="nhs_fgm",
    title="NHS Female Genital Mutilation Enhanced Dataset (annual)",
    folder="nhs_fgm",
    period_field="period_end",
    unique_together=("period_start", "area", "question", "response"),
    description="Attendances and women and girls with FGM recorded by NHS providers, by question and response.",
    fields=(
        Field("period_start", "date", "First day of the reporting year", minimum=EARLIEST, maximum="today"),
        Field("period_end", "date", "Last day of the reporting year", minimum=EARLIEST, maximum="today"),
        Field("area", "text", "Local authority, London or England"),
        Field("question", "text", "Question of the dataset (e.g. 'Total Attendances')"),
        Field("response", "text", "Response"),
        Field("count", "int", "Count (empty where NHS England shows '*')", nullable=True, minimum=0,
              suppressed=("*",), expected="a count of at least 0 (or * when suppressed)"),
    ),
    row_checks=(
        RowCheck("period_order", "period_end", "a date after period_start",
                 lambda frame, context: frame["period_end"] > frame["period_start"],
                 needs=("period_start", "period_end")),
        RowCheck("rounded_to_5", "count", "a multiple of 5 (NHS England rounds published counts to 5)",
                 lambda frame, context: frame["count"] % 5 == 0, needs=("count",)),
    ),
)
