"""Borough content folders (Chapters 5 and 6, Appendix 3): validated, rendered, checked against the edition."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from vawg.analysis import recommendations, stakeholder_views
from vawg.writing.artifacts import ArtifactWriter
from vawg.analysis.borough_content import ContentError, borough_slug, load_borough_content, missing_content_line
from vawg.publishing.check.published import text_faults
from vawg.foundations.errors import NotebookError
from vawg.running.notebooks import run_notebook
from vawg.foundations.paths import project_root
from vawg.foundations.wording import not_supplied

CAMDEN = project_root() / "data" / "boroughs" / "camden"


@pytest.fixture(scope="module")
def camden():
    return load_borough_content("Camden")


@pytest.fixture
def camden_copy(tmp_path) -> Path:
    target = tmp_path / "camden"
    shutil.copytree(CAMDEN, target)
    return target


def test_camden_content_has_the_reference_editions_parts(camden):
    assert len(camden.themes.themes) == 12
    assert len(camden.recommendations.areas) == 12
    assert len(camden.stakeholder_recommendations.themes) == 12
    assert camden.stakeholder_recommendations.count == 78  # seed Appendix 3
    survey = {v.key: v for v in camden.survey_values.values}
    assert survey["womens_safety_2024.respondents"].value == 272
    assert survey["womens_safety_2024.unsafe_after_dark"].value == 72
    assert survey["womens_safety_2024.unsafe_after_dark"].kind == "percent"
    solace = next(a for a in camden.engagement.activities if a.id == "solace")
    assert (solace.how_many, solace.when_text) == (19, "June 2025")


def test_a_borough_without_a_folder_says_not_supplied_and_the_analyst_is_told_where_to_add_it(tmp_path):
    assert borough_slug("Kensington and Chelsea") == "kensington-and-chelsea"
    assert load_borough_content("Hackney") is None
    sentence = not_supplied("Hackney", "its recommendations")
    assert sentence == "Hackney has not supplied its recommendations for this edition."
    assert not text_faults(sentence)  # readers get no repository path
    line = missing_content_line("Hackney")
    assert "data/boroughs/hackney/" in line and "recommendations.yaml" in line and "contact.yaml" in line
    assert missing_content_line("Camden") is None  # the reference borough supplies every file
    (tmp_path / "contact.yaml").write_text("{}", encoding="utf-8")
    (tmp_path / "services").mkdir()
    partial = missing_content_line("Hackney", tmp_path)
    assert "contact.yaml" not in partial and "services/" not in partial and "themes.yaml" in partial


def test_an_invalid_file_is_rejected_naming_file_and_field(camden_copy):
    path = camden_copy / "engagement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("when: 2025-04", "when: 2025-13", 1), encoding="utf-8")
    themes = camden_copy / "themes.yaml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("  - id: prevention\n    title:",
                                                                 "  - id: prevention\n    titel:", 1), encoding="utf-8")
    with pytest.raises(ContentError) as failure:
        load_borough_content("Camden", camden_copy)
    message = str(failure.value)
    assert "engagement.yaml: field 'activities.0.when': '2025-13' is not a real date" in message
    assert "themes.yaml: field 'themes.0.titel': is not a field of this file" in message


def test_a_recommendation_citing_an_unknown_source_is_rejected(camden_copy):
    path = camden_copy / "recommendations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sources: [CSC]}", "sources: [Nobody]}", 1),
                    encoding="utf-8")
    with pytest.raises(ContentError, match=r"recommendations.yaml: 'public-health-approach' cites source 'Nobody'"):
        load_borough_content("Camden", camden_copy)


def _evidence(camden, **missing: str) -> recommendations.EditionEvidence:
    """Everything Camden's recommendations cite, less ``missing`` (kind → id)."""
    areas = camden.recommendations.areas
    cited = {
        "values": {v.key for a in areas for v in a.evidence.values},
        "figures": {f for a in areas for f in a.evidence.figures},
        "tables": {t for a in areas for t in a.evidence.tables},
        "sections": {s for a in areas for s in a.evidence.sections},
        "themes": {t.id for t in camden.themes.themes},
    }
    for kind, ident in missing.items():
        cited[kind].discard(ident)
    return recommendations.EditionEvidence(**{kind: frozenset(ids) for kind, ids in cited.items()})


def test_evidence_that_exists_passes(camden):
    recommendations.check_evidence(camden.recommendations, _evidence(camden))


@pytest.mark.parametrize("kind, ident, noun, area", [
    ("values", "housing.register_dva_share", "value", "housing"),
    ("figures", "fig-marac-case-rate", "figure", "partnerships"),
    ("sections", "sec-outcomes", "section", "justice"),
    ("themes", "mental-health", "theme", "mental-health"),
])
def test_a_recommendation_citing_missing_evidence_fails_naming_both(camden, kind, ident, noun, area):
    with pytest.raises(recommendations.EvidenceError) as failure:
        recommendations.check_evidence(camden.recommendations, _evidence(camden, **{kind: ident}))
    assert f"recommendation {area!r}" in str(failure.value)
    assert f"cites {noun} {ident!r}" in str(failure.value)


def test_evidence_is_read_from_the_artifacts_and_the_book_sources(camden, tmp_path):
    (tmp_path / "values.json").write_text(json.dumps({"offences.rank": {"text": "11th"}}), encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"figures": [{"id": "fig-vawg-rate-trend"}], "tables": []}),
                                            encoding="utf-8")
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "local-response.qmd").write_text("## Training {#sec-training}\n", encoding="utf-8")
    evidence = recommendations.EditionEvidence.read(tmp_path, camden)
    assert "offences.rank" in evidence.values and "fig-vawg-rate-trend" in evidence.figures
    assert {"sec-outcomes", "sec-housing", "sec-marac"} <= evidence.sections  # headings of Chapter 3's sources
    assert "sec-training" in evidence.sections  # a heading of a generated partial (Chapter 4 from the borough)
    assert "prevention" in evidence.themes


def test_the_build_step_stops_on_missing_evidence_naming_recommendation_and_id(tmp_path):
    """Notebook 91 run as the build runs it, on an edition whose Chapter 3 values are missing."""
    artifacts = tmp_path / "artifacts"
    ArtifactWriter(artifacts, 7).value("offences.rank", 11, "rank")
    parameters = {"period_end": "2024-12-31", "borough": "Camden", "comparator": "London",
                  "suppression_threshold": 7, "staged_dir": str(tmp_path), "artifacts_dir": str(artifacts),
                  "reference_dir": ""}
    notebook = project_root() / "notebooks" / "91-stakeholders-recommendations.ipynb"
    with pytest.raises(NotebookError) as failure:
        run_notebook(notebook, tmp_path / "executed.ipynb", parameters)
    message = str(failure.value)
    assert "EvidenceError" in message
    assert "recommendation 'public-health-approach'" in message and "'offences.borough_rate'" in message


def test_partials_for_a_borough_without_content_say_so_and_show_nothing_of_camden(tmp_path):
    writer = ArtifactWriter(tmp_path, 7)
    texts = [
        stakeholder_views.engagement_partial(writer, None, "Hackney"),
        stakeholder_views.themes_partial(None, "Hackney"),
        stakeholder_views.insights_partial(None, "Hackney"),
        stakeholder_views.summary_views_partial(None, "Hackney"),
        stakeholder_views.appendix_3_partial(None, "Hackney"),
        recommendations.recommendations_partial(None, "Hackney"),
        recommendations.summary_partial(None, "Hackney"),
    ]
    for text in texts:
        assert "Hackney has not supplied" in text and not text_faults(text)
        for camden_content in ("Camden", "Solace", "Hopscotch", "272", "Housing First", "{{<"):
            assert camden_content not in text
    assert stakeholder_views.survey_values(None) == {}
    assert not (tmp_path / "partials" / "tbl-engagement-register.qmd").exists()


def test_engagement_register_hides_small_counts_and_keeps_qualifiers(camden, tmp_path):
    text = stakeholder_views.engagement_partial(ArtifactWriter(tmp_path, 7), camden, "Camden")
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in text.splitlines() if line.startswith("| ")}
    navigators = rows["Domestic Violence and Abuse (DVA) Navigators' insight session"]
    assert navigators[4] == "\\<7"  # 4 people: below the threshold
    assert rows["Four community consultations"][4] == "About 40"
    assert rows["GPs' focus group"][4] == "About 27 to 30"
    assert rows["Women's Safety Survey 2024"][3:5] == ["July 2024 to October 2024", "272"]
    assert "@tbl-engagement-register" in text


def test_appendix_3_lists_all_78_recommendations_in_12_numbered_themes(camden):
    text = stakeholder_views.appendix_3_partial(camden, "Camden")
    assert len(re.findall(r"^## \d+\. ", text, flags=re.M)) == 12
    assert len(re.findall(r"^\d+\. ", text, flags=re.M)) == 78
    assert "(Source: Money Advice.)" in text


def test_recommendation_evidence_is_linked_by_cross_reference_and_quoted_by_key(camden):
    text = recommendations.recommendations_partial(camden, "Camden")
    housing = text[text.index("{#sec-rec-housing}"):text.index("{#sec-rec-equity}")]
    assert "{{< var housing.register_dva_share >}}" in housing
    assert "@fig-homelessness-dva" in housing and "@sec-housing" in housing and "@sec-theme-housing" in housing
    # Quarto reads a line holding only a shortcode as a block shortcode: none here.
    assert not [line for line in text.splitlines() if line.strip().startswith("{{<") and line.strip().endswith(">}}")]


# The copied-sentence rule for these files is tests/conventions/test_no_copied_sentences.py (it covers data/boroughs).
