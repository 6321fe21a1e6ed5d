"""Time and peak memory of the pipeline: ``vawg synth``, validation and staging, then whole builds.

Usage: ``python benchmarks/bench_pipeline.py [--scale 1.0] [--out DIR] [--reference-dir DIR] [--no-builds]``

Each step runs in a fresh process, so its peak memory (maximum resident set
size, including the interpreter and libraries) is its own. Goals on this
project's machines (two cores): generation at most 60 s, validation and
staging at most 30 s, peak memory at most 4 GB.

The builds (``vawg build`` in a copy of the project, so a service card can be changed) are, in order:
a cold build (empty cache, ``--jobs`` = cores), a rebuild with nothing changed, a rebuild after one
service card changed, a rebuild after one MARAC count changed, and today's sequential path
(``--jobs 1 --force``) as the baseline. A build's
peak memory is the largest sum of the resident sizes of its process tree (kernels included), sampled.
Goals at full scale (issue 17): cold build at least 2× faster than the baseline, no-op rebuild under
5 s, only Chapter 4's notebook rerun after a card changes, peak memory under 3 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

GOALS = {"generation": 60.0, "validation and staging": 30.0}
MEMORY_GOAL_MIB = 4 * 1024
BUILD_MEMORY_GOAL_MIB = 3 * 1024
NO_OP_GOAL = 5.0
CARD = Path("data/boroughs/camden/services/camden-respite-rooms.yml")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _generate(out: str, scale: float, queue) -> None:
    from vawg.running.synth import generate

    started = time.perf_counter()
    paths = generate(Path(out), scale=scale)
    queue.put((time.perf_counter() - started, _peak_mib(), {name: str(path) for name, path in paths.items()}))


def _stage(out: str, staged: str, reference: str | None, queue) -> None:
    from vawg.intake.staging import validate_and_stage

    started = time.perf_counter()
    written = validate_and_stage(Path(out), Path(staged), period_end=dt.date(2024, 12, 31),
                                 reference_dir=Path(reference) if reference else None)
    queue.put((time.perf_counter() - started, _peak_mib(), {name: str(path) for name, path in written.items()}))


def _run(target, *args) -> tuple[float, float, dict]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    parents, rss = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * page
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def _build(project: Path, raw: Path, build_dir: Path, *options: str) -> tuple[float, float, list[str], str]:
    """One ``vawg build`` in a fresh process: seconds, peak MiB of its process tree, notebooks rerun, and
    where the time went."""
    environment = {**os.environ, "VAWG_PROJECT": str(project), "COLUMNS": "400"}  # progress lines unwrapped
    command = [sys.executable, "-m", "vawg.running.cli", "build", "--data-dir", str(raw), "--build-dir", str(build_dir),
               *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mib(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        raise SystemExit(f"vawg build {' '.join(options)} failed:\n{err[-3000:]}")
    # rich wraps long log lines: join them before reading which notebooks reran
    text = re.sub(r"\s+", " ", err)
    rerun = re.findall(r"Notebook \d+ of \d+: (\S+)\.ipynb: reran", text)
    # The progress lines say how long the build had run when each step began.
    began = {step: float(at) for step, at in re.findall(r"(Assembling|Rendering|Auditing)[^(]*(?:\([^)]*\)[^(]*)*?\((\d+) s so far\)", text)}
    split = ""
    if len(began) == 3:
        split = (f"stage+notebooks {began['Assembling']:.0f} s, assemble {began['Rendering'] - began['Assembling']:.0f} s, "
                 f"render {began['Auditing'] - began['Rendering']:.0f} s, audit {seconds - began['Auditing']:.0f} s")
    return seconds, peak[0], rerun, split


def _copy_project(target: Path) -> Path:
    from vawg.running.build import copy_project

    return copy_project(target)


def _change_one_marac_count(raw: Path) -> None:
    """One more case heard in the MARAC extract's first row (and one more referral, so the sources still add up)."""
    import csv

    path = next((raw / "marac").glob("*.csv"))
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for column in ("cases_heard", "other_referrals"):
        index = rows[0].index(column)
        rows[1][index] = str(int(rows[1][index]) + 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _bench_boroughs(raw: Path, root: Path, count: int) -> None:
    """Several boroughs' editions in one run (website only): staged from one validation, built side by side."""
    from vawg.foundations.reference import borough_names

    names = borough_names(police_only=True)[:count]
    project = _copy_project(root / "project-boroughs")
    build_dir = root / "build-boroughs"
    shutil.rmtree(build_dir, ignore_errors=True)
    seconds, mib, _, _ = _build(project, raw, build_dir, "--borough", ",".join(names), "--formats", "html")
    print(f"{f'{count} boroughs in one run (html):':32}{seconds:6.1f} s  peak {mib:6,.0f} MiB  "
          f"({seconds / count:.1f} s per borough; all 32 at this rate: {seconds / count * 32 / 60:.0f} min)")


def _bench_builds(raw: Path, root: Path) -> None:
    for earlier in (root / "project", root / "build"):  # a cold build starts with no cache
        shutil.rmtree(earlier, ignore_errors=True)
    project = _copy_project(root / "project")
    build_dir = root / "build"
    cores = os.cpu_count() or 1
    cold = _build(project, raw, build_dir)
    no_op = _build(project, raw, build_dir)
    card = project / CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("sixteen private bedrooms", "seventeen private bedrooms", 1), encoding="utf-8")
    assert card.read_text(encoding="utf-8") != text, f"{CARD} no longer says 'sixteen private bedrooms'"
    card_change = _build(project, raw, build_dir)
    _change_one_marac_count(raw)
    extract_change = _build(project, raw, build_dir)
    baseline = _build(project, raw, build_dir, "--jobs", "1", "--force")
    rows = [(f"cold build (--jobs {cores})", cold), ("no-op rebuild", no_op), ("one service card changed", card_change),
            ("one extract changed (MARAC)", extract_change), ("sequential (--jobs 1 --force)", baseline)]
    for name, (seconds, mib, rerun, split) in rows:
        shown = ", ".join(rerun) if len(rerun) <= 4 else f"{len(rerun)} notebooks"
        print(f"{name + ':':32}{seconds:6.1f} s  peak {mib:6,.0f} MiB  reran: {shown or 'none'}")
        if split:
            print(f"{'':32}({split})")
    ratio = baseline[0] / cold[0]
    print(f"{'baseline / cold build:':32}{ratio:6.2f}×  (goal ≥ 2×: {'meets' if ratio >= 2 else 'MISSES'})")
    print(f"{'no-op rebuild:':32}{no_op[0]:6.1f} s  (goal < {NO_OP_GOAL:.0f} s: "
          f"{'meets' if no_op[0] < NO_OP_GOAL else 'MISSES'})")
    # 91 (recommendations' evidence) and 99 (executive summary) read Chapter 4's results: they rerun when those change.
    readers = {"40-local-response", "91-stakeholders-recommendations", "99-executive-summary"}
    only = "40-local-response" in card_change[2] and set(card_change[2]) <= readers
    print(f"{'card change reran only Ch. 4:':32}{'yes' if only else 'no'} ({', '.join(card_change[2])}; "
          "91 and 99 read its results)")
    peak = max(row[1] for row in (cold, no_op, card_change, extract_change, baseline))
    print(f"{'peak memory, builds:':32}{peak:6,.0f} MiB (goal ≤ {BUILD_MEMORY_GOAL_MIB:,} MiB: "
          f"{'meets' if peak <= BUILD_MEMORY_GOAL_MIB else 'MISSES'})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="scale passed to vawg.running.synth.generate (default 1.0)")
    parser.add_argument("--out", type=Path, help="folder for the extracts and staged tables (default: temporary)")
    parser.add_argument("--reference-dir", type=Path, help="open reference data to validate and stage as well")
    parser.add_argument("--no-builds", action="store_true", help="stop after staging (no whole builds)")
    parser.add_argument("--boroughs", type=int, default=3,
                        help="boroughs built in one run for the per-borough time (default 3; 32 for all; 0: skip)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as temporary:
        root = args.out or Path(temporary)
        raw, staged = root / "raw", root / "staged"
        generation, generation_mib, paths = _run(_generate, str(raw), args.scale)
        staging, staging_mib, written = _run(_stage, str(raw), str(staged),
                                             str(args.reference_dir) if args.reference_dir else None)
        import pyarrow.parquet as pq

        offences = pq.ParquetFile(paths["police_offences"]).metadata.num_rows
        raw_mib = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 2**20
        staged_mib = sum(p.stat().st_size for p in staged.rglob("*") if p.is_file()) / 2**20
        report_staging(args.scale, paths, offences, raw_mib, written, staged_mib, generation, staging,
                       generation_mib, staging_mib)
        if not args.no_builds:
            _bench_builds(raw, root)
            if args.boroughs:
                _bench_boroughs(raw, root, args.boroughs)
    return 0


def report_staging(scale, paths, offences, raw_mib, written, staged_mib, generation, staging, generation_mib,
                   staging_mib) -> None:
    peak = max(generation_mib, staging_mib)
    rows = [
        ("generation", generation, GOALS["generation"]),
        ("validation and staging", staging, GOALS["validation and staging"]),
    ]
    print(f"scale:                    {scale}")
    print(f"sources generated:        {len(paths)} ({offences:,} recorded offences; {raw_mib:,.0f} MiB on disk)")
    print(f"tables staged:            {len(written)} ({staged_mib:,.0f} MiB of Parquet)")
    for name, seconds, goal in rows:
        verdict = "meets" if seconds <= goal else "MISSES"
        print(f"{name + ' time:':26}{seconds:6.1f} s   (goal ≤ {goal:.0f} s: {verdict})")
    print(f"peak memory, generation:  {generation_mib:6,.0f} MiB")
    print(f"peak memory, staging:     {staging_mib:6,.0f} MiB")
    verdict = "meets" if peak <= MEMORY_GOAL_MIB else "MISSES"
    print(f"peak memory:              {peak:6,.0f} MiB (goal ≤ {MEMORY_GOAL_MIB:,} MiB: {verdict})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
