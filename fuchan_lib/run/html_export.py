"""Executed notebooks as web pages: the audit trail opens in any browser, without Jupyter.

nbconvert's HTMLExporter runs in the pipeline's own process after the notebooks ran (papermill
and nbformat are imported already, with rfc3987-syntax kept out by `kernel.import_papermill_lean`),
so the export costs the conversion only, not another interpreter. Figures are in the notebook
outputs as PNG data and so are embedded in the page; one .html file per notebook. Scripts
from the internet (require.js, MathJax; the pages need neither) are left out, so a page opens
at once on an office intranet.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

_REMOTE_SCRIPT = re.compile(r'<script src="https?://[^"]*">\s*</script>\s*')


@cache
def _exporter():
    """One HTMLExporter per process: building one (templates, filters) costs more than a page.

    Reused for every notebook of the run (0.15-0.25 s -> 0.03-0.06 s per page)."""
    from fuchan_lib.run.kernel import import_papermill_lean

    import_papermill_lean()  # nbformat without rfc3987-syntax, before nbconvert imports it
    from nbconvert import HTMLExporter

    quiet = logging.getLogger("fuchan_lib.html_export")  # not the kernel app's logger: no
    quiet.setLevel(logging.ERROR)  # "alternative text is missing" notes in a notebook server's log
    # optimistic_validation: the notebook is validated once, not after each of its preprocessors
    return HTMLExporter(language_code="zh", log=quiet, optimistic_validation=True)


def export_html(notebooks: list[Path], folder: Path) -> list[Path]:
    """Write each executed notebook as `<name>.html` into `folder`; return the pages."""
    import nbformat

    from fuchan_lib.core.text import atomic_write

    exporter = _exporter()
    pages = []
    for notebook in notebooks:
        book = nbformat.read(notebook, as_version=4)
        body, _ = exporter.from_notebook_node(book, resources={"metadata": {"name": notebook.stem}})
        body = _REMOTE_SCRIPT.sub("", body)
        page = folder / f"{notebook.stem}.html"
        with atomic_write(page) as temporary:
            temporary.write_text(body, encoding="utf-8")
        pages.append(page)
    return pages
