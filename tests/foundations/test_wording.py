"""The chapters' wording files (vawg.foundations.wording): every sentence the code asks for exists, every one written is used,
a template an author breaks is refused by name, and an edited template is what the section then prints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from vawg.foundations import wording
from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root
from vawg.foundations.wording import WORDING_SUFFIX, phrase, phrase_calls, wording_sections

PACKAGE = project_root() / "src" / "vawg"


def calls() -> list[tuple[str, str, set[str] | None, str]]:
    """Every phrase() call in the package: (section, entry, cases or None when computed, where)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "wording.py":
            continue
        for section, entry, cases, line in phrase_calls(path.read_text(encoding="utf-8")):
            found.append((section, entry, cases, f"{path.relative_to(PACKAGE.parent)}:{line}"))
    return found


def written(section: str) -> dict:
    return yaml.safe_load((project_root() / wording_sections()[section]).read_text(encoding="utf-8"))


def test_every_wording_file_sits_beside_the_chapter_whose_name_it_takes():
    found = wording_sections()
    assert {"marac", "adult-safeguarding", "recorded-offences"} <= set(found)
    for section, file in found.items():
        # Beside the chapter that prints the sentences, named after it; a numbered chapter's file
        # (04-local-response.qmd) adds the underscore: _04-local-response.wording.yml.
        chapter = (project_root() / file.removesuffix(WORDING_SUFFIX)).with_suffix(".qmd")
        assert chapter.is_file() or chapter.with_name(chapter.name.removeprefix("_")).is_file(), (section, file)
        assert Path(file).name.startswith("_"), "Quarto renders no file whose name starts with _"


def test_a_new_chapters_wording_file_is_found_and_two_files_of_one_section_are_refused(tmp_path, monkeypatch):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "_03-stalking.wording.yml").write_text('intro: "Stalking rose by {share}."\n')
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    assert wording_sections() == {"stalking": "chapters/_03-stalking.wording.yml"}
    assert phrase("stalking", "intro", share="4%") == "Stalking rose by 4%."
    (tmp_path / "chapters" / "_07-stalking.wording.yml").write_text('intro: "Again."\n')
    with pytest.raises(DataError, match="_07-stalking.wording.yml and chapters/_03-stalking.wording.yml"):
        wording_sections()


def test_every_call_names_a_section_entry_and_case_that_are_written():
    problems = []
    for section, entry, cases, where in calls():
        if not section or not entry:
            problems.append(f"{where}: write the section and entry out, phrase('marac', 'change', ...)")
            continue
        if section not in wording_sections():
            problems.append(f"{where}: no wording file for section {section!r}")
            continue
        entries = written(section)
        if entry not in entries:
            problems.append(f"{where}: {wording_sections()[section]} has no entry {entry!r}")
            continue
        has_cases = isinstance(entries[entry], dict)
        if cases is not None and has_cases and not cases:
            problems.append(f"{where}: entry {entry!r} has cases; the call names none")
        if cases and not has_cases:
            problems.append(f"{where}: entry {entry!r} has one wording; the call names a case")
        for case in (cases or set()) - set(entries[entry] if has_cases else ()):
            problems.append(f"{where}: {wording_sections()[section]} has no case {case!r} under {entry!r}")
    assert not problems, "\n".join(problems)


def test_every_entry_and_case_written_is_used_by_the_code():
    used: dict[tuple[str, str], set[str] | None] = {}
    for section, entry, cases, _ in calls():
        key = (section, entry)
        # A computed case (a column name, say) may be any of the entry's cases.
        used[key] = None if cases is None or used.get(key, set()) is None else used.get(key, set()) | cases
    unused = []
    for section, file in wording_sections().items():
        for entry, wordings in written(section).items():
            if (section, entry) not in used:
                unused.append(f"{file}: entry {entry!r}")
            elif isinstance(wordings, dict) and used[(section, entry)] is not None:
                unused += [f"{file}: entry {entry!r}, case {case!r}" for case in wordings
                           if case not in used[(section, entry)]]
    assert not unused, "written but never asked for:\n" + "\n".join(unused)


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the chapters' wording files, read instead of the repository's (VAWG_PROJECT)."""
    for file in wording_sections().values():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)  # chapters/, appendices/ or the root
        shutil.copy2(project_root() / file, tmp_path / file)
    monkeypatch.setenv("VAWG_PROJECT", str(tmp_path))
    return tmp_path


def edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_misspelt_placeholder_is_refused_naming_the_file_entry_and_case(project_copy):
    edit(project_copy, wording_sections()["marac"], "was {last} in both", "was {lats} in both")
    with pytest.raises(DataError) as refused:
        phrase("marac", "change", "same", noun="repeat cases", last="30.0%", first_year=2019, year=2024)
    message = str(refused.value)
    assert "chapters/_03-marac.wording.yml" in message and "'change'" in message and "'same'" in message
    assert "{lats}" in message


def test_a_dropped_placeholder_a_missing_case_and_a_missing_entry_are_refused(project_copy):
    edit(project_copy, wording_sections()["marac"], "was {last} in both", "was unchanged in both")
    with pytest.raises(DataError, match=r"'change', case 'same'.*leaves out \{last\}"):
        phrase("marac", "change", "same", noun="repeat cases", last="30.0%", first_year=2019, year=2024)
    with pytest.raises(DataError, match=r"'change', case 'steady': no such case"):
        phrase("marac", "change", "steady")
    with pytest.raises(DataError, match=r"entry 'changes'.*no such entry"):
        phrase("marac", "changes", "same")
    with pytest.raises(DataError, match=r"entry 'change'.*names none"):
        phrase("marac", "change")


def test_a_template_that_is_not_text_or_asks_for_a_field_by_position_is_refused(project_copy):
    edit(project_copy, wording_sections()["marac"], 'alone: "In {year} the', 'alone: "In {0} the')
    with pytest.raises(DataError, match=r"_03-marac.wording.yml: entry 'rate', case 'alone': \{0\} is not a placeholder"):
        phrase("marac", "rate", "alone", year=2024, rate="40")


def test_an_author_edits_a_template_and_the_section_prints_the_new_words(project_copy, tmp_path):
    from by_hand import area_row, write_marac

    from vawg.analysis.demand import marac

    staged = tmp_path / "staged"
    staged.mkdir()
    write_marac(staged, [area_row(2019, "Camden", 200, 50_000, repeat_cases=60, police_referrals=80),
                         area_row(2024, "Camden", 200, 50_000, repeat_cases=60, police_referrals=80)])
    analysis = marac.Marac.compute(staged, borough="Camden", period_end="2024-12-31", threshold=7)
    before = marac.change_sentence(analysis, "repeat_cases", "repeat cases")
    assert before == "The share of repeat cases was 30.0% in both 2019 and 2024."
    edit(project_copy, wording_sections()["marac"], "The share of {noun} was {last} in both {first_year} and {year}.",
         "In {first_year} and again in {year}, {last} of the cases were {noun}.")
    after = marac.change_sentence(analysis, "repeat_cases", "repeat cases")
    assert after == "In 2019 and again in 2024, 30.0% of the cases were repeat cases."



def test_the_build_reruns_a_section_whose_wording_file_changes():
    from vawg.running import buildcache

    notebook = project_root() / "notebooks" / "42-marac.ipynb"
    assert wording_sections()["marac"] in buildcache.wording_files(buildcache.notebook_modules(notebook))


def test_the_staged_book_leaves_the_wording_files_behind(tmp_path):
    from vawg.running.build import NOT_STAGED

    shutil.copytree(project_root() / "chapters", tmp_path / "chapters", ignore=NOT_STAGED)
    staged = {path.name for path in (tmp_path / "chapters").iterdir()}
    assert "_03-marac.qmd" in staged and not any(name.endswith(WORDING_SUFFIX) for name in staged)


def test_the_root_pages_wording_files_are_not_staged():
    from vawg.running.build import PROJECT_SOURCES

    # The root pages' sentences (_index.wording.yml ...) are written by vawg.analysis.borough_notices, which
    # every build runs (no cache): the staged book copies the pages it names, never their wording files.
    root = [file for file in wording_sections().values() if "/" not in file]
    assert {"_index.wording.yml", "_accessibility.wording.yml"} <= set(root)
    assert not set(root) & set(PROJECT_SOURCES)


def test_phrase_calls_reads_the_cases_an_expression_can_name():
    source = ('phrase("a", "b", "x" if up else "y")\nphrase("a", "c", part)\nwording.phrase("a", "d")\n'
              'phrase(section, "e")\n')
    assert [(s, e, c) for s, e, c, _ in phrase_calls(source)] == [
        ("a", "b", {"x", "y"}), ("a", "c", None), ("a", "d", set()), ("", "e", set())]
    assert wording.sections_used(source) == {"a"}


def test_the_values_catalogue_names_the_entry_a_sentence_was_worded_in():
    from vawg.publishing.catalogue import worded_in

    same = phrase("marac", "change", "same", noun="repeat cases", last="30.0%", first_year=2019, year=2024)
    assert worded_in("marac.repeat_change_sentence", same) == "chapters/_03-marac.wording.yml: change.same"
    findings = phrase("victim-support", "no_different", "one", shares="Muslim people")
    two = " ".join([phrase("victim-support", "comparison", findings=findings),
                    phrase("victim-support", "hidden", Shares="Lesbian people", borough="Camden")])
    assert worded_in("victim_support.comparison_sentence", two) == (
        "chapters/_03-victim-support.wording.yml: comparison + hidden")
    assert worded_in("marac.year", "2024") == "" and worded_in("offences.rate", "The rate rose.") == ""
