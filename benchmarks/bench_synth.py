"""Time and peak memory of the synthetic generator at full scale.

Usage: ``python benchmarks/bench_synth.py [--scale 1.0] [--out DIR]``

Peak memory is the process's maximum resident set size, so it includes the
interpreter and imported libraries (reported separately as the baseline).
The goal is at most 60 s and 4 GB at scale 1.0 on two cores.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from vawg.running.synth import generate


def peak_rss_mib() -> float:
    """Maximum resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="scale passed to generate (default 1.0)")
    parser.add_argument("--out", type=Path, help="folder to write to (default: a temporary folder)")
    args = parser.parse_args(argv)

    baseline = peak_rss_mib()
    with tempfile.TemporaryDirectory() as temporary:
        out = args.out or Path(temporary)
        started = time.perf_counter()
        paths = generate(out, scale=args.scale)
        elapsed = time.perf_counter() - started
        offences = paths["police_offences"]
        rows = pq.ParquetFile(offences).metadata.num_rows
        size_mib = offences.stat().st_size / 2**20

    print(f"scale:             {args.scale}")
    print(f"offences:          {rows:,} rows, {size_mib:.1f} MiB parquet")
    print(f"generation time:   {elapsed:.1f} s")
    print(f"peak memory:       {peak_rss_mib():,.0f} MiB (baseline after imports {baseline:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
