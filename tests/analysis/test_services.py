"""Service cards: every card of the reference edition, one layout, suppression and staleness whatever the files say."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pandas as pd
import pytest
from typer.testing import CliRunner
from conftest import FIXTURES as ALL_FIXTURES
from conftest import SEEDS

from vawg.analysis import services
from vawg.writing.artifacts import ArtifactWriter, read_values
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root
from vawg.analysis.services import safety_bus
from vawg.analysis.services.cli import cards_app
from vawg.running.synth.safety_bus import generate_safety_bus, safety_bus_contacts

from vawg.writing.artifacts import read_download

FIXTURES = ALL_FIXTURES / "services"
EDITION = dt.date(2024, 12, 31)
# Camden's Chapter 4 text; it is included from artifacts/partials/, so it names the partials directly.
CHAPTER = project_root() / "data" / "boroughs" / "camden" / "local-response.qmd"
APPENDIX_2 = project_root() / "appendices" / "a2-additional-services.qmd"

# The 33 services of the reference edition's Chapter 4 and the 5 of its Appendix 2, by category.
SEED_SERVICES = {
    "in-house-victim-survivors": ["Camden Safety Net", "DVA Navigator Service", "Camden Safety Bus", "Safe Homes",
                                  "Early Help Services and Family Hubs"],
    "in-house-perpetrators": ["Insight", "Caring Dads"],
    "commissioned-victim-survivors": [
        "Camden Community Law Centre", "Camden Voices Against Abuse", "Child and Adolescent Mental Health Service",
        "Camden Respite Rooms", "DVIP Children's Therapy", "Grace House", "Healing Together", "Hopscotch",
        "Panoramic Counselling", "Pause", "Safe Space", "SHAP Housing First", "(IDSVA) in health settings",
        "Drug and alcohol services", "West Hampstead Women's Centre", "Women's Recovery Service"],
    "commissioned-perpetrators": ["Restart", "Drive"],
    "community": ["Maia and Lift", "WISER", "Women at the Well"],
    "london-national": ["Domestic Abuse Recovering Together", "Galop", "Solace Women's Aid", "Victim Support",
                        "Safer Spaces for Children"],
    "additional": ["Family Stories Intervention", "Coram Creative Therapies", "Hourglass", "SignHealth",
                   "Suzy Lamplugh Trust"],
}


@pytest.fixture(scope="module")
def cards():
    return services.load_cards()


def card(cards, card_id):
    return next(c for c in cards if c.id == card_id)


# -- the cards of the reference edition ------------------------------------------------------------


def test_all_33_chapter_cards_and_5_appendix_cards_are_present_in_their_categories(cards):
    counts = Counter(c.category for c in cards)
    assert sum(counts[category] for category in services.CHAPTER_CATEGORIES) == 33
    assert counts == {category: len(names) for category, names in SEED_SERVICES.items()}
    for category, names in SEED_SERVICES.items():
        in_category = [c.name for c in cards if c.category == category]
        for name in names:
            assert any(name in candidate for candidate in in_category), f"{name} missing from {category}"
    # Report order: within each category the seed's order.
    assert [c.name for c in cards if c.category == "commissioned-perpetrators"] == ["Restart", "Drive"]


def test_every_card_has_a_unique_heading_id_and_the_index_links_to_it(cards):
    ids = [c.heading_id for c in cards]
    assert len(set(ids)) == len(ids)
    index = services.render_index(cards, services.CHAPTER_CATEGORIES)
    for c in cards:
        rendered = services.render_card(c, edition_date=EDITION)
        assert re.search(rf"^#### .+ \{{#{c.heading_id}\}}$", rendered, re.MULTILINE), c.id
        assert rendered.startswith("::: {.section .service-card}")
        assert rendered.count(c.heading_id + "}") == 1
        linked = f"](#{c.heading_id})" in index
        assert linked == (c.category != "additional"), c.id


def test_chapter_4_has_a_heading_for_every_category_the_index_links_to_and_includes_every_partial():
    chapter = CHAPTER.read_text(encoding="utf-8")
    for category in services.CHAPTER_CATEGORIES:
        heading = f"### {services.CATEGORIES[category]} {{#{services.category_anchor(category)}}}"
        assert heading in chapter, heading
        assert f"{{{{< include {services.partial_name(category)}.qmd >}}}}" in chapter
    assert chapter.index("services-index.qmd") < chapter.index("## The programme of work")
    assert "services-additional.qmd" in APPENDIX_2.read_text(encoding="utf-8")


def test_chapter_4_quotes_only_values_the_notebook_writes_and_types_no_numbers(cards):
    status = services.card_status(cards, edition_date=EDITION)
    written = set(services.status_values(cards, status)) | set(services.fact_values(services.load_facts()))
    written |= {"edition.borough", "edition.period_end_long"}
    for path in (CHAPTER, APPENDIX_2):
        text = path.read_text(encoding="utf-8")
        quoted = set(re.findall(r"\{\{< var ([\w.]+) >\}\}", text))
        assert quoted <= written, quoted - written
        prose = re.sub(r"\{\{<.*?>\}\}|\{#[^}]*\}|\]\([^)]*\)", "", text)
        numbers = re.findall(r"(?<![\w-])\d+(?:[,.]\d+)*", prose)
        # Years of events, "Appendix 2", "Year 10", "levels 1 to 3" and the numbered list of pillars.
        allowed = {"2020", "2021", "2022", "2023", "2024", "2025", "10", "1", "2", "3", "4"}
        assert set(numbers) <= allowed, set(numbers) - allowed


def _verbatim_runs(text: str, seed_text: str, length: int = 12) -> list[str]:
    words = " ".join(text.split()).split(" ")
    return [" ".join(words[start:start + length]) for start in range(max(0, len(words) - length))
            if " ".join(words[start:start + length]) in seed_text]


def test_cards_and_chapter_are_written_afresh_not_copied_from_the_seed(cards):
    seed = SEEDS / "001_a600a678ae7c5312.txt"
    if not seed.is_file():
        pytest.skip("seed text not available")
    seed_text = " ".join(seed.read_text(encoding="utf-8").split())
    for c in cards:
        for paragraph in filter(None, [c.description, c.eligibility, c.notes]):
            assert not _verbatim_runs(paragraph, seed_text), c.id
    for path in (CHAPTER, APPENDIX_2):
        assert not _verbatim_runs(path.read_text(encoding="utf-8"), seed_text), path.name


# -- malformed files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name,field,detail", [
    ("missing-name", "field 'name'", "required"),
    ("unknown-category", "field 'category'", "'housing-services' is not a category"),
    ("bad-date", "field 'last_updated'", "2025-02-30"),
    ("bad-period-date", "field 'service_data.period.end'", "31/03/2025"),
    ("misspelt-field", "field 'eligibilty'", "not a card field"),
    ("count-typed-in-text", "field 'service_data.items.0.label'", "small number typed as text"),
    ("percent-without-basis", "field 'service_data'", "percent 12 needs the count"),
    ("not-a-mapping", "", "expected the card's fields"),
    ("invalid-yaml", "", "not valid YAML"),
])
def test_malformed_card_files_are_rejected_naming_the_file_and_the_field(name, field, detail):
    with pytest.raises(services.CardError) as caught:
        services.load_card(FIXTURES / f"{name}.yml")
    message = str(caught.value)
    assert f"{name}.yml" in message
    assert field in message
    assert detail in message


def test_every_problem_in_every_file_is_reported_at_once():
    paths = [FIXTURES / "missing-name.yml", FIXTURES / "bad-date.yml", FIXTURES / "valid-minimal.yml"]
    with pytest.raises(services.CardError) as caught:
        services.load_cards(paths=paths)
    assert len(caught.value.problems) == 2
    assert "missing-name.yml" in str(caught.value) and "bad-date.yml" in str(caught.value)


def test_two_files_may_not_describe_the_same_service(tmp_path):
    for stem in ("one", "two"):
        (tmp_path / f"{stem}.yml").write_text((FIXTURES / "valid-minimal.yml").read_text())
    with pytest.raises(services.CardError, match="two.yml: field 'name'"):
        services.load_cards(tmp_path)


def test_files_starting_with_an_underscore_are_not_cards():
    assert all(not path.name.startswith("_") for path in services.card_files())
    assert (services.services_dir() / "_local-response.yml").is_file()


# -- suppression at render time --------------------------------------------------------------------


def test_a_count_of_3_is_suppressed_in_the_rendered_card():
    small = services.load_card(FIXTURES / "small-count.yml")
    assert small.service_data.items[0].count == 3  # the file says 3 ...
    rendered = services.render_card(small, edition_date=dt.date(2025, 6, 30))
    assert not re.search(r"(?<![\d,.])3(?![\d,.])", rendered)  # ... the card never shows it
    assert "People referred by schools: fewer than 5" in rendered
    assert "Share referred by their GP: not shown" in rendered  # 15% of 20 people is 3 people
    assert "People supported: 20" in rendered
    # Under 25 (3 of 20) is hidden, and the next smallest part too, so it cannot be worked out from the total.
    assert "Under 25: fewer than 5" in rendered
    assert "25 to 44: 9" in rendered
    assert "45 and over: not shown" in rendered and "8" not in rendered


@pytest.mark.parametrize("item,shown", [
    ({"count": 0}, "0"),
    ({"count": 4}, "fewer than 5"),
    ({"count": 5}, "5"),
    ({"count": 4, "percent": 10.0}, "fewer than 5"),
    ({"percent": 10, "denominator": 40}, "not shown (fewer than 5 people)"),
    ({"percent": 12.5, "denominator": 40}, "12.5%"),
    ({"percent": 1, "denominator": 30}, "not shown (fewer than 5 people)"),  # 0.3 of a person
    ({"count": 5, "denominator": 7}, "5 of 7 (71%)"),
    ({"count": 6, "denominator": 4}, None),  # rejected: count larger than denominator
    ({"withheld": True}, "fewer than 5"),
    ({"count": 1174, "qualifier": "over"}, "over 1,174"),
])
def test_counts_under_5_and_percentages_built_on_them_are_never_shown(item, shown):
    if shown is None:
        with pytest.raises(ValueError):
            services.Item(label="Figure", **item)
        return
    assert services.render.value_text(services.Item(label="Figure", **item)) == shown


def test_a_small_denominator_hides_the_count_and_the_percentage_built_on_it():
    item = services.Item(label="Completed", count=2, denominator=3)
    assert services.render.value_text(item) == "fewer than 5"


def test_the_threshold_can_be_raised_but_the_file_cannot_lower_it():
    item = services.Item(label="Referrals", count=6)
    assert services.render.value_text(item) == "6"
    assert services.render.value_text(item, threshold=7) == "fewer than 7"
    with pytest.raises(ValueError):
        services.Item(label="Referrals", count=3, suppress=False)  # no such field


def test_no_published_card_shows_a_count_under_5(cards):
    text = "\n".join(services.render_card(c, edition_date=EDITION) for c in cards)
    data_lines = [line for line in text.splitlines() if line.lstrip().startswith("- ") and ": " in line]
    for line in data_lines:
        value = line.split(": ", 1)[1]
        assert not re.fullmatch(r"[1-4]( .*)?", value), line


# -- staleness -------------------------------------------------------------------------------------


def _card_ending(end: str) -> services.Card:
    return services.Card(id="dated", name="Dated service", category="community", description="Helps.",
                         last_updated="2025-01-01",
                         service_data={"period": {"start": "2022-04-01", "end": end},
                                       "items": [{"label": "Referrals", "count": 40}]})


def test_a_card_whose_data_ended_more_than_12_months_before_the_edition_shows_a_notice():
    old = _card_ending("2023-03-31")
    rendered = services.render_card(old, edition_date=EDITION)
    assert '::: {.callout-warning title="Data from April 2022 to March 2023"}' in rendered
    assert rendered.index("callout-warning") < rendered.index("Description")
    assert not services.is_stale(old, EDITION, months=24)
    assert "callout" not in services.render_card(old, edition_date=EDITION, stale_after_months=24)
    on_the_day = _card_ending("2023-12-31")  # exactly 12 months: not yet stale
    assert not services.is_stale(on_the_day, EDITION)
    assert services.is_stale(on_the_day, dt.date(2025, 1, 31))


def test_the_build_lists_stale_cards_and_chapter_values_say_how_many(cards, tmp_path):
    status = services.card_status(cards, edition_date=EDITION)
    assert [entry["id"] for entry in status["stale"]] == ["wiser"]
    values = services.status_values(cards, status)
    assert values["services.stale_count"][0] == 1
    assert "WISER" in values["services.stale_sentence"][0]
    writer = ArtifactWriter(tmp_path, 7)
    services.write_status(writer, status)
    assert "wiser" in (tmp_path / "services_status.json").read_text()
    # A later edition finds more cards stale.
    later = services.card_status(cards, edition_date=dt.date(2026, 6, 30))
    assert len(later["stale"]) > 1


def test_a_card_without_dated_figures_is_never_stale(cards):
    assert not services.is_stale(card(cards, "safe-homes"), dt.date(2030, 1, 1))


def test_gaps_name_what_a_service_lead_could_add(cards):
    gaps = services.card_gaps(card(cards, "panoramic-counselling-and-hope"), EDITION)
    assert "no service user or service data section" in gaps
    assert "no website or contact details" in gaps


@pytest.mark.parametrize("start,end,label", [
    ("2024-04-01", "2025-03-31", "April 2024 to March 2025"),
    ("2025-01-01", "2025-06-30", "January to June 2025"),
    ("2025-06-01", "2025-06-30", "June 2025"),
    ("2024-11-05", "2024-11-05", "5 November 2024"),
    ("2025-01-01", "2025-06-15", "1 January to 15 June 2025"),
    ("2023-10-15", "2024-02-10", "15 October 2023 to 10 February 2024"),
])
def test_periods_read_as_words(start, end, label):
    assert services.period_text(services.Period(start=start, end=end)) == label


# -- the Safety Bus: synthetic log, computed card figures and the figure ----------------------------


def test_synthetic_safety_bus_log_matches_the_reference_edition(tmp_path):
    path = generate_safety_bus(tmp_path, seed=7, scale=1.0, period_end=dt.date(2025, 6, 30))
    assert path == tmp_path / "safety_bus" / "safety_bus_contacts.csv"
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(log.columns) == ["contact_id", "contact_date", "contact_type", "sex", "borough"]
    assert set(log["borough"]) == {"Camden"}  # the council whose records they are
    people = log[log["contact_type"] == "person_supported"]
    assert len(people) > 500
    assert 120 <= (people["contact_date"] >= "2025-01-01").sum() <= 140
    assert 0.28 <= (people["sex"] == "M").mean() <= 0.38
    assert (log["contact_type"] == "engagement").sum() == 2700
    assert set(pd.to_datetime(log["contact_date"]).dt.day_of_week) == {4, 5}  # Friday and Saturday nights
    assert log["contact_id"].is_unique
    again = safety_bus_contacts(seed=7, scale=1.0, period_end=dt.date(2025, 6, 30))
    assert again.equals(log.drop(columns="borough"))
    assert safety_bus_contacts(seed=7, scale=0.1, period_end=dt.date(2024, 12, 31))["contact_date"].max() <= "2024-12-31"


@pytest.fixture
def small_log():
    """A tiny log: 2023 has 3 men (too few to publish), 2024 has plenty of both."""
    rows = ([("2023-03-03", "person_supported", "F")] * 12 + [("2023-03-04", "person_supported", "M")] * 3
            + [("2024-05-03", "person_supported", "F")] * 20 + [("2024-11-08", "person_supported", "M")] * 9
            + [("2024-11-09", "engagement", "")] * 40)
    frame = pd.DataFrame(rows, columns=["contact_date", "contact_type", "sex"])
    frame.insert(0, "contact_id", [f"SB-{i}" for i in range(len(frame))])
    return safety_bus.tidy_contacts(frame)


def test_safety_bus_card_figures_are_computed_from_the_log(cards, small_log):
    computed = safety_bus.card_sections(small_log, EDITION)
    rendered = services.render_card(card(cards, "camden-safety-bus"), edition_date=EDITION, computed=computed)
    assert "Service data (March 2023 to December 2024)" in rendered
    assert "- People supported: 44" in rendered
    assert "- People supported from July to December 2024: 9" in rendered
    assert "- Engagement activities with members of the public and with venues: 40" in rendered
    assert "- Women: 32 (73%)" in rendered
    missing = services.render_card(card(cards, "camden-safety-bus"), edition_date=EDITION)
    assert "Not available for this edition" in missing


def test_safety_bus_figure_hides_what_its_data_table_hides(small_log, tmp_path):
    figure = safety_bus.figure_safety_bus_users(small_log, period_end=EDITION, threshold=7)
    assert figure.id == "fig-safety-bus-users"
    assert "Stacked column chart" in figure.alt and "Counts too small to publish are not drawn" in figure.alt
    drawn = figure.plot.data
    men_2023 = drawn[(drawn["year"] == 2023) & (drawn["sex"] == "Men")].iloc[0]
    assert pd.isna(men_2023["shown"]) and men_2023["label"] == "<7"
    ArtifactWriter(tmp_path, 7).figure(figure)
    published = read_download(tmp_path / "data" / "fig-safety-bus-users.csv")
    assert published.to_dict("records") == [{"Year": "2023", "Women": "12", "Men": "<7"},
                                            {"Year": "2024", "Women": "20", "Men": "9"}]


def test_a_partial_year_is_labelled_with_its_months(small_log):
    counts = safety_bus.people_by_year(small_log, dt.date(2024, 6, 30))
    assert counts["year_label"].tolist() == ["2023", "2024 (January to June)"]
    assert counts["total"].tolist() == [15, 20]


def test_a_malformed_safety_bus_log_is_rejected_naming_the_column():
    bad = pd.DataFrame({"contact_id": ["1", "2"], "contact_date": ["31/12/2024", "2024-12-27"],
                        "contact_type": ["visit", "person_supported"], "sex": ["", "X"]})
    with pytest.raises(DataError, match="safety_bus_contacts.csv: column 'contact_date'.*'contact_type'.*'sex'"):
        safety_bus.tidy_contacts(bad, source="safety_bus_contacts.csv")


# -- what the notebook writes ----------------------------------------------------------------------


def test_card_partials_index_and_values_are_written(cards, small_log, tmp_path):
    writer = ArtifactWriter(tmp_path, 7)
    written = services.write_card_partials(writer, cards, edition_date=EDITION,
                                           computed=safety_bus.card_sections(small_log, EDITION),
                                           figures={"fig-safety-bus-users": "![Bus](x){#fig-safety-bus-users}"})
    assert set(written) == {"services-index"} | {services.partial_name(c) for c in services.CATEGORIES}
    in_house = (tmp_path / "partials" / "services-in-house-victim-survivors.qmd").read_text()
    assert "{#fig-safety-bus-users}" in in_house and "- People supported: 44" in in_house
    appendix = (tmp_path / "partials" / "services-additional.qmd").read_text()
    assert appendix.count("::: {.section .service-card}") == 5 and "\n## Hourglass {#svc-hourglass}" in appendix
    writer.values(services.fact_values(services.load_facts()))
    values = read_values(tmp_path)
    assert values["response.training.mandatory_percent"]["text"] == "96%"
    assert values["response.communications.tenants"]["text"] == "23,000"


# -- vawg cards check ------------------------------------------------------------------------------


def test_cards_check_lists_stale_and_incomplete_cards():
    result = CliRunner().invoke(cards_app, ["check", "--edition-date", "2024-12-31"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "38 valid card(s)" in result.output
    assert "1 stale card(s)" in result.output and "wiser" in result.output
    assert "could be completed" in result.output


def test_cards_check_fails_on_an_invalid_card_naming_file_and_field(tmp_path):
    for name in ("valid-minimal", "unknown-category"):
        (tmp_path / f"{name}.yml").write_text((FIXTURES / f"{name}.yml").read_text())
    result = CliRunner().invoke(cards_app, ["check", "--folder", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "unknown-category.yml: field 'category'" in result.output


def test_cards_check_rejects_a_bad_edition_date():
    result = CliRunner().invoke(cards_app, ["check", "--edition-date", "31/12/2024"])
    assert result.exit_code == 1
