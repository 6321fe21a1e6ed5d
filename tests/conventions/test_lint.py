"""The project's own habits, checked as CI checks them: ruff finds no error, and no notebook carries outputs."""

from __future__ import annotations

import subprocess
import sys

from vawg.foundations.paths import project_root


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=project_root(), capture_output=True, text=True, check=False)


def test_ruff_finds_no_error_in_the_code_the_tests_or_the_scripts():
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_notebook_carries_outputs_execution_counts_or_run_metadata():
    notebooks = sorted(str(path.relative_to(project_root())) for path in (project_root() / "notebooks").glob("*.ipynb"))
    assert notebooks
    result = run(sys.executable, "-m", "nbstripout", "--keep-id", "--verify", *notebooks)
    assert result.returncode == 0, f"run `nbstripout --keep-id notebooks/*.ipynb`: {result.stdout}{result.stderr}"
