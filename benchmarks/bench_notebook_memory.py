"""Peak memory and time of each report notebook on its own, on an edition already built.

Usage: ``python benchmarks/bench_notebook_memory.py BUILD_DIR/EDITION [NOTEBOOK ...]``

Each notebook runs with papermill in a fresh process, against the edition's staged tables, into a scratch
folder; its peak is the kernel's maximum resident set size (``RUSAGE_CHILDREN`` of the process that ran
papermill, read once the kernel has been reaped). It says which notebooks decide a parallel build's peak
(``bench_pipeline.py`` measures that peak as a whole). Notebooks that read other notebooks' results (the
executive summary, the methods appendix) are skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN_ONE = """
import json, resource, sys, papermill
notebook, executed, parameters = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
papermill.execute_notebook(notebook, executed, parameters=parameters, progress_bar=False, log_output=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""
READS_RESULTS = ("90-", "91-", "99-")


def main(edition: Path, names: list[str]) -> None:
    project = Path(__file__).resolve().parents[1]
    notebooks = sorted((project / "notebooks").glob("*.ipynb"))
    chosen = [nb for nb in notebooks if (not names or nb.stem in names) and not nb.name.startswith(READS_RESULTS)]
    executed = json.loads((edition / "notebooks" / chosen[0].name).read_text())["metadata"]["papermill"]["parameters"]
    print(f"{'notebook':32}{'seconds':>9}{'peak MiB':>10}")
    with tempfile.TemporaryDirectory() as scratch:
        for notebook in chosen:
            parameters = dict(executed, staged_dir=str(edition / "staged"),
                              artifacts_dir=str(Path(scratch) / notebook.stem))
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", RUN_ONE, str(notebook), str(Path(scratch) / notebook.name),
                                   json.dumps(parameters)], cwd=project, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            peak = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else "failed"
            print(f"{notebook.stem:32}{seconds:9.1f}{float(peak) if peak != 'failed' else 0:10,.0f}"
                  + ("" if done.returncode == 0 else "  " + done.stderr.strip().splitlines()[-1][:80]), flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), sys.argv[2:])
