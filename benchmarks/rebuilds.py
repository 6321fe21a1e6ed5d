"""Benchmark: how long a build takes cold, with nothing changed, and after one card or one extract changes.

Prints one table, measured in one run on this machine:

- cold build (nothing cached), with the default parallel notebooks;
- the sequential baseline: ``--jobs 1 --force`` (every notebook one after another, nothing reused);
- no-op rebuild (the same inputs again);
- rebuild after one service card changes (Chapter 4's notebook, the render and the audit rerun);
- rebuild after one extract changes (the MARAC extract: its notebooks and what reads them rerun);
- the peak memory of the largest process (a notebook's kernel or the build itself).

Each build is a separate ``vawg build`` process on a copy of the project, so the repository is not touched.

    python3 benchmarks/rebuilds.py                 # full scale (about 5 million offences)
    python3 benchmarks/rebuilds.py --scale 0.05    # a quick run at 5% of London's scale
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("_quarto.yml", "index.qmd", "accessibility.qmd", "chapters", "appendices", "templates", "notebooks",
                 "data/reference", "data/open", "data/boroughs", "references.qmd", "references.json")


def copy_project(target: Path) -> Path:
    for part in PROJECT_PARTS:
        source, destination = ROOT / part, target / part
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def timed(label: str, command: list[str], env: dict[str, str]) -> tuple[str, float]:
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"{label} failed:\n{completed.stderr[-2000:]}")
    return label, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Synthetic data scale (1.0 = London's).")
    parser.add_argument("--work", type=Path, help="Folder for the data, project copy and builds. [default: a temporary one]")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="vawg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    project = copy_project(work / "project") if not (work / "project").exists() else work / "project"
    env = {**os.environ, "VAWG_PROJECT": str(project)}
    vawg = [sys.executable, "-m", "vawg.cli"]
    raw = work / "raw"
    if not raw.exists():
        print(f"Generating synthetic extracts at scale {args.scale:g} in {raw} (not timed)", flush=True)
        subprocess.run([*vawg, "synth", "--out", str(raw), "--scale", str(args.scale)], env=env, check=True,
                       capture_output=True)
    build = [*vawg, "build", "--data-dir", str(raw)]
    rows = []
    shutil.rmtree(work / "sequential", ignore_errors=True)
    shutil.rmtree(work / "build", ignore_errors=True)
    rows.append(timed("Sequential baseline (--jobs 1 --force)", [*build, "--build-dir", str(work / "sequential"),
                                                                  "--jobs", "1", "--force"], env))
    target = [*build, "--build-dir", str(work / "build")]
    rows.append(timed(f"Cold build ({os.cpu_count()} jobs)", target, env))
    rows.append(timed("No-op rebuild", target, env))
    card = next(path for path in sorted((project / "data" / "boroughs" / "camden" / "services").glob("[!_]*.yml"))
                if "description: |\n" in path.read_text(encoding="utf-8"))
    card.write_text(card.read_text(encoding="utf-8").replace("description: |\n", "description: |\n  Hours changed.\n", 1),
                    encoding="utf-8")
    rows.append(timed("One service card changed", target, env))
    marac = next((raw / "marac").glob("*.csv"))
    with open(marac, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    header = table[0]
    column = header.index("cases_heard")
    table[1][column] = str(int(table[1][column]) + 1)
    other = header.index("other_referrals")  # the referral sources add up to the cases heard
    table[1][other] = str(int(table[1][other]) + 1)
    with open(marac, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)
    rows.append(timed("One extract changed (MARAC)", target, env))

    baseline = rows[0][1]
    print(f"\nvawg build benchmark: scale {args.scale:g}, {os.cpu_count()} cores, formats html, pdf, docx\n")
    print(f"{'Build':<42}{'Seconds':>9}{'vs baseline':>13}")
    for label, seconds in rows:
        print(f"{label:<42}{seconds:>9.1f}{baseline / seconds:>12.1f}x")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"\nPeak memory of the largest process: {peak:,.0f} MiB")
    print(f"Work folder: {work}")


if __name__ == "__main__":
    main()
