"""Time and peak memory of the data pipeline at full scale: ``vawg synth``, then validation and staging.

Usage: ``python benchmarks/bench_pipeline.py [--scale 1.0] [--out DIR] [--reference-dir DIR]``

Each step runs in a fresh process, so its peak memory (maximum resident set
size, including the interpreter and libraries) is its own. Goals on this
project's machines (two cores): generation at most 60 s, validation and
staging at most 30 s, peak memory at most 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"generation": 60.0, "validation and staging": 30.0}
MEMORY_GOAL_MIB = 4 * 1024


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _generate(out: str, scale: float, queue) -> None:
    from vawg.synth import generate

    started = time.perf_counter()
    paths = generate(Path(out), scale=scale)
    queue.put((time.perf_counter() - started, _peak_mib(), {name: str(path) for name, path in paths.items()}))


def _stage(out: str, staged: str, reference: str | None, queue) -> None:
    from vawg.staging import validate_and_stage

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="scale passed to vawg.synth.generate (default 1.0)")
    parser.add_argument("--out", type=Path, help="folder for the extracts and staged tables (default: temporary)")
    parser.add_argument("--reference-dir", type=Path, help="open reference data to validate and stage as well")
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

    peak = max(generation_mib, staging_mib)
    rows = [
        ("generation", generation, GOALS["generation"]),
        ("validation and staging", staging, GOALS["validation and staging"]),
    ]
    print(f"scale:                    {args.scale}")
    print(f"sources generated:        {len(paths)} ({offences:,} recorded offences; {raw_mib:,.0f} MiB on disk)")
    print(f"tables staged:            {len(written)} ({staged_mib:,.0f} MiB of Parquet)")
    for name, seconds, goal in rows:
        verdict = "meets" if seconds <= goal else "MISSES"
        print(f"{name + ' time:':26}{seconds:6.1f} s   (goal ≤ {goal:.0f} s: {verdict})")
    print(f"peak memory, generation:  {generation_mib:6,.0f} MiB")
    print(f"peak memory, staging:     {staging_mib:6,.0f} MiB")
    verdict = "meets" if peak <= MEMORY_GOAL_MIB else "MISSES"
    print(f"peak memory:              {peak:6,.0f} MiB (goal ≤ {MEMORY_GOAL_MIB:,} MiB: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
