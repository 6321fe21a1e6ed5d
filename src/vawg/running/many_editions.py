"""Several boroughs' editions of one delivery: London validated once, the editions built side by side.

``vawg build --borough all`` (or a list) stages every edition from one validation of the extracts
(:func:`vawg.running.build.stage_editions`), then builds the editions at the same time: in processes on this
machine, or on a Dask cluster given by the address of its scheduler. Each edition is one job, the
same :func:`vawg.running.build.build` a single-borough build runs, so a cluster worker needs only the project
installed and the extracts and build folder at the same paths (a shared disk).

Why processes and Dask's own client rather than a task framework: an edition is already one
self-contained job with its own cache and lock; what is left to schedule is a list of them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from vawg.foundations.errors import VawgError
from vawg.foundations.parameters import BuildParameters


@dataclass(frozen=True)
class EditionJob:
    """One edition's build, as a process or a cluster worker runs it."""

    params: BuildParameters
    build_dir: Path
    jobs: int
    force: bool = False


@dataclass(frozen=True)
class EditionOutcome:
    borough: str
    result: object | None  # vawg.running.build.BuildResult
    error: str | None
    seconds: float


def run_job(job: EditionJob) -> EditionOutcome:
    """Build one edition; an expected failure comes back as its one-line reason, not as an exception."""
    import time

    from vawg.running.build import build

    started = time.monotonic()
    try:
        result = build(job.params, build_dir=job.build_dir, jobs=job.jobs, force=job.force)
    except VawgError as error:
        return EditionOutcome(job.params.borough, None, str(error), time.monotonic() - started)
    return EditionOutcome(job.params.borough, result, None, time.monotonic() - started)


def plan(editions: list[BuildParameters], build_dir: Path, *, jobs: int, at_once: int | None = None,
         force: bool = False) -> tuple[list[EditionJob], int]:
    """The editions' jobs and how many run at once: ``jobs`` cores shared out, each edition at least one."""
    at_once = max(1, min(len(editions), at_once or jobs))
    return [EditionJob(params, Path(build_dir), max(1, jobs // at_once), force) for params in editions], at_once


def build_here(jobs_list: list[EditionJob], at_once: int,
               runner: Callable[[EditionJob], EditionOutcome] | None = None) -> Iterator[EditionOutcome]:
    """Run the jobs in ``at_once`` processes of this machine (one: in this process), yielding each outcome as it
    finishes."""
    runner = runner or run_job
    if at_once == 1:
        yield from map(runner, jobs_list)
        return
    # spawn, not fork: a forked copy of a process with threads (rich, pyarrow) can deadlock in a kernel start.
    with ProcessPoolExecutor(max_workers=at_once, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(runner, job) for job in jobs_list]
        for future in as_completed(futures):
            yield future.result()


def build_on_cluster(jobs_list: list[EditionJob], scheduler: str,
                     runner: Callable[[EditionJob], EditionOutcome] | None = None,
                     timeout: str = "10s") -> Iterator[EditionOutcome]:
    """Send each job to the Dask cluster whose scheduler is at ``scheduler``, yielding outcomes as they finish."""
    runner = runner or run_job
    try:
        from distributed import Client, as_completed as completed_on_cluster
    except ImportError:
        raise VawgError("--scheduler needs Dask's distributed package: python3 -m pip install -e \".[cluster]\"") \
            from None
    try:
        client = Client(scheduler, timeout=timeout)
    except OSError as error:
        raise VawgError(f"--scheduler {scheduler}: no Dask scheduler answered ({error})") from None
    with client:
        futures = [client.submit(runner, job, pure=False, key=f"edition-{job.params.edition}") for job in jobs_list]
        for future in completed_on_cluster(futures):
            yield future.result()

