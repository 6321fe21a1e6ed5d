"""Run the report's notebooks with papermill, several at once where none reads another's results,
stopping at the first failure with its place and cause."""

from __future__ import annotations

import multiprocessing
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import KernelManager
from papermill.exceptions import PapermillExecutionError

from vawg.foundations.errors import NotebookError
from vawg.foundations.paths import project_root
from vawg.foundations.sections import SECTIONS, section_for
from vawg.foundations.wording import join_words

KERNEL = "python3"


class LocalKernelManager(KernelManager):
    """Talks to the kernel over local sockets rather than TCP: nothing listens on the network
    (and the kernel does not warn about unencrypted TCP in the build's progress display)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("transport", "ipc")
        # jupyter_client's default socket prefix is one fixed name in the working directory, and it picks
        # free sockets by checking for files: two builds at once could race onto the same socket.
        kwargs.setdefault("ip", str(Path(tempfile.gettempdir()) / f"vawg-kernel-{uuid.uuid4().hex}"))
        super().__init__(**kwargs)

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts every kernel before shutting it down (manager.py, _async_shutdown_kernel);
        # papermill shuts down an idle kernel, so the interrupt only makes ipykernel log "KeyboardInterrupt
        # caught in kernel" as an error in the build's output. The shutdown request and kill still follow.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks of the report, in the order the registry (:mod:`vawg.foundations.sections`) declares them."""
    folder = folder or project_root() / "notebooks"
    return [folder / section.notebook for section in SECTIONS]


def run_notebook(notebook: Path, executed: Path, parameters: dict[str, object]) -> None:
    """Execute ``notebook`` into ``executed`` with ``parameters`` injected.

    Raises
    ------
    NotebookError
        Naming the notebook, the failing cell (number and first line) and the error.
    """
    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL,
            progress_bar=False, log_output=False, cwd=str(project_root()),
            kernel_manager_class=LocalKernelManager,
        )
    except PapermillExecutionError as error:
        raise NotebookError(_describe_failure(notebook, executed, error)) from None


def _describe_failure(notebook: Path, executed: Path, error: PapermillExecutionError) -> str:
    # papermill's cell_index counts the injected-parameters cell, which sits after the "parameters" cell; the
    # executed file also gains papermill's error-marker cells, so the failing cell is looked up in the source.
    cell_text = ""
    position = error.cell_index
    try:
        cells = nbformat.read(str(notebook), as_version=4).cells
        tagged = next((i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), None)
        if tagged is not None and error.cell_index > tagged:
            position = error.cell_index - 1
        source = cells[position].source.strip()
        cell_text = source.splitlines()[0] if source else ""
    except (OSError, IndexError, ValueError):
        pass
    where = f"cell {position + 1}" + (f" ({cell_text!r})" if cell_text else "")
    message = f"notebook {notebook.name} failed in {where}: {error.ename}: {error.evalue}"
    folders = extract_folders(notebook)
    if folders and error.ename not in _data_error_names():  # a data error names its file already
        message += f"; this section reads the extracts in {join_words([f'{folder}/' for folder in folders])}"
    return message


def _data_error_names() -> set[str]:
    from vawg.foundations.errors import DataError

    names, pending = set(), [DataError]
    while pending:
        kind = pending.pop()
        names.add(kind.__name__)
        pending += kind.__subclasses__()
    return names


def extract_folders(notebook: Path) -> list[str]:
    """The delivery folders of the extracts a declared section reads: a failure that comes from data then
    points at them even when the error itself (a ZeroDivisionError, a KeyError) names none."""
    from vawg.intake.contracts import CONTRACTS

    section = section_for(notebook)
    if section.staged == ("*",):  # reads every staged table: naming them all would point nowhere
        return []
    return list(dict.fromkeys(contract.folder for contract in CONTRACTS if section.reads_table(contract.name)))


@dataclass(frozen=True)
class Run:
    """One notebook to execute."""

    notebook: Path
    executed: Path
    parameters: dict[str, object]


class _Inline:
    """One job at a time in this process: no worker to start (``--jobs 1``)."""

    def submit(self, function: Callable, *args: object) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(error)
        return future

    def shutdown(self, **_: object) -> None:
        pass


def _execute(run: Run) -> None:
    run_notebook(run.notebook, run.executed, run.parameters)


def run_graph(order: Sequence[str], needs: Mapping[str, Sequence[str]], prepare: Callable[[str], Run | None],
              finish: Callable[[str], None], jobs: int = 1) -> None:
    """Run the named steps, each once all it ``needs`` have finished, up to ``jobs`` at a time.

    ``prepare(name)`` is called when a step's needs are met: it returns the notebook to run, or None
    when its result is reused; ``finish(name)`` is called after either. Workers are separate processes
    (each notebook's kernel is one anyway); the first failure stops the rest and is raised.
    """
    pool = _Inline() if jobs <= 1 else ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    done: set[str] = set()
    waiting: list[tuple[str, Run]] = []
    running: dict[Future, str] = {}
    try:
        while len(done) < len(order):
            started = {name for _, name in running.items()} | {name for name, _ in waiting}
            for name in order:  # in declared order, so a sequential run is the registry's order
                if name in done or name in started or not all(need in done for need in needs.get(name, ())):
                    continue
                run = prepare(name)
                if run is None:
                    finish(name)
                    done.add(name)
                else:
                    waiting.append((name, run))
                    started.add(name)
            while waiting and len(running) < max(jobs, 1):
                name, run = waiting.pop(0)
                running[pool.submit(_execute, run)] = name
            if not running:
                if len(done) < len(order) and not waiting:
                    blocked = [name for name in order if name not in done]
                    raise ValueError(f"notebooks waiting on each other or on an unknown notebook: {blocked}")
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: order.index(running[f])):
                name = running.pop(future)
                future.result()
                finish(name)
                done.add(name)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
