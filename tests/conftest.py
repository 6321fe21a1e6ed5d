"""Shared fixtures: a small synthetic extract and one full build of it, made once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vawg.foundations.parameters import parse_parameters

SMALL_SCALE = 0.05
# Paths from this file, so a test in any folder of tests/ finds them the same way.
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
REPOSITORY = TESTS.parent
# The reference edition beside the repository (../shared/seeds), or beside a worktree's folder.
SEEDS = next((folder for folder in (REPOSITORY.parents[n] / "shared" / "seeds" for n in (0, 1)) if folder.is_dir()),
             REPOSITORY.parent / "shared" / "seeds")


# Fixtures that build a whole edition (or stage the full-scale data): a test using one is in the build tier.
BUILD_FIXTURES = {"built_edition", "hackney_edition", "full_scale_staged", "edition_with_small_counts",
                  "two_editions", "planted_edition", "without_optional_extracts", "scaffolded"}


def pytest_collection_modifyitems(config, items):
    """The fast tier is ``-m "not build"``: no whole builds (README, CONTRIBUTING)."""
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.build)


def reference_dir() -> Path:
    """The open reference folder the tests use: ``VAWG_REFERENCE_DIR`` if set, else the shipped ``data/open/``."""
    from vawg.foundations.reference import open_data_dir

    configured = os.environ.get("VAWG_REFERENCE_DIR")
    return Path(configured) if configured else open_data_dir()


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory) -> Path:
    """Synthetic extracts at 5% of London's scale on the real 2022 wards: every source, every borough, 2019–2024."""
    from vawg.running.synth import generate

    folder = tmp_path_factory.mktemp("raw")
    generate(folder, scale=SMALL_SCALE)
    return folder


@pytest.fixture(scope="session")
def full_scale_staged(tmp_path_factory) -> Path:
    """The default synthetic data (full scale), validated and staged as the build stages them.

    Made once per session: generating and staging 5 million offences takes about 40 seconds.
    """
    import datetime as dt

    from vawg.intake.staging import validate_and_stage
    from vawg.running.synth import generate

    raw, folder = tmp_path_factory.mktemp("raw-full"), tmp_path_factory.mktemp("staged-full")
    generate(raw)
    validate_and_stage(raw, folder, period_end=dt.date(2024, 12, 31))
    return folder


@pytest.fixture
def extract_copy(small_extract, tmp_path) -> Path:
    """A private copy of the small extract that a test may damage."""
    target = tmp_path / "raw"
    shutil.copytree(small_extract, target)
    return target


@pytest.fixture(scope="session")
def built_edition(small_extract, tmp_path_factory):
    """The default edition (Camden, 2024) built in all three formats from the small extract and the shipped open data."""
    from vawg.running.build import build

    params = parse_parameters(data_dir=small_extract)
    return build(params, build_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def hackney_edition(small_extract, tmp_path_factory):
    """Hackney's edition (website only) built from the small extract, whose council extracts are Camden's.

    Returns the build result and the lines of progress the build printed.
    """
    from vawg.running.build import build

    lines: list[str] = []
    params = parse_parameters(data_dir=small_extract, borough="Hackney", formats="html")
    return build(params, build_dir=tmp_path_factory.mktemp("build-hackney"), progress=lines.append), lines


def warm_start(built_edition, build_dir: Path) -> Path:
    """A build folder holding the default edition's cache: a variant of it reruns only what its change touches
    (that a reused result equals a rerun one is tested in test_incremental)."""
    edition = built_edition.edition
    shutil.copytree(built_edition.root.parent / ".cache" / edition, Path(build_dir) / ".cache" / edition)
    return Path(build_dir)


def copy_project(target: Path) -> Path:
    """A copy of the report's sources and reference data; build it with ``VAWG_PROJECT`` set to it."""
    from vawg.running.build import copy_project as copy

    return copy(target)


def build_with_stubbed_steps(monkeypatch, tmp_path: Path, publish):
    """A build whose staging, notebooks and rendering are stubbed, and whose project is what ``publish(paths,
    params, report)`` leaves, over a last good edition that a failed build must keep. Returns the build's
    parameters, its folder and the last edition's folder."""
    import vawg.running.build as build_module

    monkeypatch.setattr(build_module, "validate_and_stage", lambda *a, **k: None)
    monkeypatch.setattr(build_module, "run_notebooks", lambda *a, **k: None)
    monkeypatch.setattr(build_module, "_disclosure_values", lambda artifacts: None)
    monkeypatch.setattr(build_module, "stage_project", publish)
    monkeypatch.setattr(build_module, "render_book", lambda *a, **k: {"html": Path("output/site/index.html")})
    build_dir = tmp_path / "build"
    params = parse_parameters(data_dir=tmp_path)
    last = build_dir / params.edition
    (last / "output").mkdir(parents=True)
    (last / "output" / "last.txt").write_text("the last good edition")
    return params, build_dir, last
