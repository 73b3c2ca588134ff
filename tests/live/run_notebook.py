"""Run one notebook in *this* interpreter's Jupyter (the Binder-like environment's).

Called by ``tests/live/test_binder.py`` as ``<env>/bin/python run_notebook.py NOTEBOOK``,
so nbclient, jupyter_client and the ``python3`` kernel all come from that environment.
The kernel starts in the notebook's folder, as JupyterLab starts it. Prints one JSON
object: the kernel's interpreter, any error, every stderr stream, and the MIME types
of the Try-it cell's outputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PROBE = "import sys as _s; print(_s.executable, _s.prefix, sep='\\n')"


def run(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    report = {"error": None, "stderr": [], "tryit_outputs": [], "kernel": None}
    try:
        client.execute()
    except CellExecutionError as exc:
        report["error"] = str(exc)[-3000:]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                report["stderr"].append(f"{cell.source[:80]!r}: {out['text'][:500]}")
        if ".tryit()" in cell.source:
            report["tryit_outputs"].append(sorted(
                key for out in cell.get("outputs", []) for key in out.get("data", {})))
    probe = nb.cells[-1].get("outputs", [])
    if probe and probe[0].get("output_type") == "stream":
        report["kernel"] = probe[0]["text"].split()
    return report


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]).resolve())))
