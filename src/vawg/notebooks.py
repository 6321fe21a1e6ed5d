"""Run the report's notebooks with papermill, stopping at the first failure with its place and cause."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import KernelManager
from papermill.exceptions import PapermillExecutionError

from vawg.errors import NotebookError
from vawg.paths import project_root

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


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks of the report, in the order they run (by file name)."""
    folder = folder or project_root() / "notebooks"
    return sorted(folder.glob("*.ipynb"))


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
    # papermill counts the injected-parameters cell; report the cell as it is in the source notebook.
    cell_text = ""
    position = error.cell_index
    try:
        cells = nbformat.read(str(executed), as_version=4).cells
        cell_text = cells[error.cell_index].source.strip().splitlines()[0] if cells[error.cell_index].source.strip() else ""
        injected = any("injected-parameters" in c.metadata.get("tags", []) for c in cells[: error.cell_index])
        position = error.cell_index - (1 if injected else 0)
    except (OSError, IndexError, ValueError):
        pass
    where = f"cell {position + 1}" + (f" ({cell_text!r})" if cell_text else "")
    return f"notebook {notebook.name} failed in {where}: {error.ename}: {error.evalue}"


def run_notebooks(notebooks: Sequence[Path], executed_dir: Path, parameters: dict[str, object],
                  on_start: Callable[[Path], None] | None = None) -> list[Path]:
    """Run each notebook in turn; the first failure stops the build."""
    done = []
    for notebook in notebooks:
        if on_start:
            on_start(notebook)
        executed = executed_dir / notebook.name
        run_notebook(notebook, executed, parameters)
        done.append(executed)
    return done
