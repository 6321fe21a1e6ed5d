"""Build parameters are validated before anything runs, with messages naming the parameter."""

import datetime as dt

import pytest
from conftest import REPOSITORY

from vawg.foundations.errors import ParameterError
from vawg.foundations.parameters import parse_parameters


def test_defaults_describe_the_reference_edition():
    params = parse_parameters()
    assert params.period_end == dt.date(2024, 12, 31)
    assert params.borough == "Camden"
    assert params.comparator == "London"
    assert params.suppression_threshold == 7
    assert params.formats == ("html", "pdf", "docx")
    assert params.edition == "camden-2024-12-31"


def test_borough_names_match_without_regard_to_case():
    assert parse_parameters(borough="hammersmith and fulham").borough == "Hammersmith and Fulham"


@pytest.mark.parametrize("values,fragment", [
    ({"borough": "Gotham"}, "borough: unknown borough 'Gotham'"),
    ({"borough": "City of London"}, "borough: unknown borough"),  # policed by its own force, not in the extract
    ({"period_end": "2024-13-45"}, "period_end"),
    ({"period_end": "2024-06-15"}, "is not the last day of a month"),
    ({"period_end": "2999-12-31"}, "is in the future"),
    ({"formats": "html,epub"}, "formats"),
    ({"formats": ""}, "choose at least one"),
    ({"suppression_threshold": 0}, "suppression_threshold"),
    ({"suppression_threshold": 1}, "suppression_threshold: 1 would publish counts from 1 up"),
    ({"suppression_threshold": 4}, "the smallest threshold that keeps the report's safeguards is 5"),
    ({"borough": "City of London"}, "is policed by its own force, not the Metropolitan Police"),
    ({"comparator": "England"}, "comparator"),
])
def test_bad_parameters_are_rejected_with_a_message_naming_them(values, fragment):
    with pytest.raises(ParameterError, match=fragment.replace("(", r"\(")):
        parse_parameters(**values)


def test_notebook_parameters_are_plain_json_values():
    import json

    params = parse_parameters(borough="Hackney")
    injected = params.notebook_parameters(staged_dir="s", artifacts_dir="a")
    assert json.loads(json.dumps(injected)) == injected
    assert injected["borough"] == "Hackney"


def test_the_suppression_floor_is_accepted_and_documented():
    from vawg.foundations.parameters import SUPPRESSION_FLOOR

    assert parse_parameters(suppression_threshold=SUPPRESSION_FLOOR).suppression_threshold == 5
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert f"`--suppression-threshold` may be raised but not set below {SUPPRESSION_FLOOR}" in readme


@pytest.mark.parametrize("option", ["data_dir", "reference_dir"])
def test_a_file_given_as_a_folder_is_refused_in_one_line(option, tmp_path):
    afile = tmp_path / "extract.csv"
    afile.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=f"{option}: {afile} is a file, not a folder"):
        parse_parameters(**{option: afile})
