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
# what a page says of the parameters papermill passed (run_dir, the staging folder, is not shown)
PARAMETER_WORDS = {"params_path": "参数文件", "as_of": "截止日期"}


@cache
def _exporter():
    """One HTMLExporter per process: building one (templates, filters) costs more than a page.

    Reused for every notebook of the run (0.15-0.25 s -> 0.03-0.06 s per page)."""
    from fuchan_lib.run.kernel import import_papermill_lean

    import_papermill_lean()  # nbformat without rfc3987-syntax, before nbconvert imports it
    from nbconvert import HTMLExporter

    quiet = logging.getLogger("fuchan_lib.html_export")  # not the kernel app's logger: no
    quiet.setLevel(logging.ERROR)  # "alternative text is missing" notes in a notebook server's log
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """HTMLExporter without its last step, a BeautifulSoup parse and re-serialisation of
        the whole 300-600 KB page (a third of the export's CPU) that only adds attributes: the
        same attributes are added to the template's markup by `_finish_page`."""

        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup pass
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                              resources=resources)
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _finish_page(html), resources

    # optimistic_validation: the notebook is validated once, not after each of its preprocessors
    return PageExporter(language_code="zh", log=quiet, optimistic_validation=True)


_IMAGE = re.compile(r"<img\b[^>]*>")
_FOCUSABLE = re.compile(r'(<div\b[^>]*\bclass="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)"[^>]*?)(/?>)')
_NO_ALT = "No description has been provided for this image"
_REFERENCE = re.compile(r"&#([0-9]{1,7});")
_RAW_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.DOTALL)


def _finish_page(html: str) -> str:
    """What nbconvert's BeautifulSoup pass changes, done on the text: an alt text on every image
    without one, tabindex="0" on each cell's input and output (so a keyboard reaches them), and
    Chinese written as characters, not as the &#NNNNN; references mistune gives headings."""
    def alt(match: re.Match) -> str:
        tag = match.group(0)
        if re.search(r"\salt=", tag):
            return tag
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return f'{tag[:end].rstrip()} alt="{_NO_ALT}"{tag[end:]}'

    html = _FOCUSABLE.sub(r'\1 tabindex="0"\2', _IMAGE.sub(alt, html))
    # outside scripts and styles, whose text is not markup (a script may spell out references)
    parts = _RAW_TEXT.split(html)
    parts[::2] = [_REFERENCE.sub(_character, part) for part in parts[::2]]
    return "".join(parts)


def _character(match: re.Match) -> str:
    """A character reference as its character, when that is no markup (not ASCII)."""
    point = int(match.group(1))
    return chr(point) if 0x80 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else match.group(0)


def readable_parameters(book) -> None:
    """In place, for the page: papermill's injected cell (its values json-escaped, "\\u793a…",
    and the run's staging folder) becomes one Chinese line, "参数文件：示例县_2023Q1.yaml　截止日期：
    2023年2月15日", and the committed defaults' cell (tag parameters) is left out. A notebook
    run without papermill keeps its parameters cell: it holds what was run."""
    import nbformat

    tags = [cell.get("metadata", {}).get("tags", []) for cell in book.cells]
    if not any("injected-parameters" in t for t in tags):
        return
    cells = []
    for cell, cell_tags in zip(book.cells, tags):
        if "injected-parameters" in cell_tags:
            cells.append(nbformat.v4.new_markdown_cell(parameter_line(_assigned(cell.source))))
        elif "parameters" not in cell_tags:
            cells.append(cell)
    book.cells = cells


def _assigned(source: str) -> dict[str, object]:
    """name -> value of the `name = literal` lines papermill writes."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    return {node.targets[0].id: node.value.value for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant)}


def parameter_line(values: dict[str, object]) -> str:
    """The parameters of a run in plain Chinese: the params file by its name, the date in words."""
    from datetime import date

    from fuchan_lib.core.wording import format_date

    parts = []
    for name, word in PARAMETER_WORDS.items():
        value = values.get(name)
        if name == "params_path" and value:
            value = str(value).replace("\\", "/").rsplit("/", 1)[-1]
        elif name == "as_of":
            try:
                value = format_date(date.fromisoformat(str(value)))
            except ValueError:
                value = value or "参数文件中的截止日期"
        if value:
            parts.append(f"{word}：{value}")
    return "**本次运行**　" + "　".join(parts)


def export_html(notebooks: list[Path], folder: Path) -> list[Path]:
    """Write each executed notebook as `<name>.html` into `folder`; return the pages."""
    import nbformat

    from fuchan_lib.core.text import atomic_write

    exporter = _exporter()
    pages = []
    for notebook in notebooks:
        book = nbformat.read(notebook, as_version=4)
        readable_parameters(book)
        body, _ = exporter.from_notebook_node(book, resources={"metadata": {"name": notebook.stem}})
        body = _REMOTE_SCRIPT.sub("", body)
        page = folder / f"{notebook.stem}.html"
        with atomic_write(page) as temporary:
            temporary.write_text(body, encoding="utf-8")
        pages.append(page)
    return pages
