"""Notebooks speak Chinese: explained errors as a message box, no traceback; pages for browsers."""

import base64
import re

import nbformat
import pytest

from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.run.html_export import export_html
from fuchan_lib.run.notebook_messages import STOPPED, error_box, speak_chinese

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_the_box_shows_the_message_escaped_with_its_line_breaks():
    error = LedgerError("值“<x>”不是有效日期", file="a.xlsx", row=3, column="复工日期", fix="请改正")
    box = error_box(error)
    assert "输入有误，请改正：" in box and "&lt;x&gt;" in box and "<x>" not in box
    assert "white-space:pre-wrap" in box and STOPPED in box


def test_outside_a_notebook_nothing_changes():
    speak_chinese()  # no IPython shell: returns quietly


def test_each_notebook_becomes_a_page_with_its_figures_and_no_remote_scripts(tmp_path):
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure>"})]
    book.cells = [nbformat.v4.new_markdown_cell("# 工业企业复工复产情况"), cell]
    source = tmp_path / "1_工业.ipynb"
    nbformat.write(book, source)
    (page,) = export_html([source], tmp_path / "网页")
    assert page == tmp_path / "网页" / "1_工业.html"
    text = page.read_text(encoding="utf-8")
    assert '<html lang="zh">' in text and "<title>1_工业</title>" in text
    assert "工业企业复工复产情况" in text and "data:image/png;base64," in text
    assert '<script src="http' not in text


def test_the_message_of_a_stopped_notebook_is_found_for_the_run_error():
    from fuchan_lib.run.notebook_messages import explained_error

    book = {"cells": [{"outputs": [{"output_type": "display_data", "data": {
        "text/html": "<div>…</div>", "text/plain": ["文件“a.xlsx”：坏了\n", STOPPED]}}]}]}
    assert explained_error(book) == "文件“a.xlsx”：坏了"
    assert explained_error({"cells": [{"outputs": []}]}) is None


@pytest.mark.slow
def test_a_section_notebook_stopped_by_an_explained_error_fails_the_run_in_chinese(tmp_path):
    from fuchan_lib.core.exceptions import NotebookError
    from fuchan_lib.run import kernel as kernels

    book = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('params_path = ""\nrun_dir = ""\nas_of = ""')
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [parameters, nbformat.v4.new_code_cell(
        "from fuchan_lib.run.notebook_messages import speak_chinese\nspeak_chinese()\n"
        "from fuchan_lib.core.exceptions import LedgerError\n"
        "raise LedgerError('值“x”不是有效日期', file='a.xlsx', row=3, column='复工日期', fix='请改正')")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = tmp_path / "9_试验.ipynb"
    nbformat.write(book, source)
    (tmp_path / "notebooks").mkdir()
    kernel = kernels.start_kernel(tmp_path)
    connection_file = kernel.connection_file
    assert connection_file.is_file()
    try:
        with pytest.raises(NotebookError) as err:
            kernels.execute_notebook(source, tmp_path, {"params_path": "p", "run_dir": str(tmp_path), "as_of": ""},
                                     kernel)
    finally:
        kernel.shutdown()
    assert not connection_file.exists()  # no kernel file left in the temp folder
    assert "笔记本“9_试验.ipynb”的第3个代码单元出错：文件“a.xlsx”，第3行，“复工日期”列：值“x”不是有效日期" in str(err.value)
    written = (tmp_path / "notebooks" / "9_试验.ipynb").read_text(encoding="utf-8")
    assert "运行在这里停止" in written and "An Exception was encountered" not in written
    assert "Traceback" not in written


def test_a_page_is_what_nbconvert_gives_without_parsing_it_again(tmp_path):
    """The page, read by the parser nbconvert's last step uses, is nbconvert's own page: the
    attributes that step adds (alt text, tabindex) are there, nothing else changed."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# 标题\n说明 <b>粗</b>"), nbformat.v4.new_code_cell("show()")]
    book.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()}),
        nbformat.v4.new_output("stream", name="stdout", text="复工率 90.0%\n"),
    ]
    source = tmp_path / "1_工业.ipynb"
    nbformat.write(book, source)
    (page,) = export_html([source], tmp_path)
    stock, _ = HTMLExporter(language_code="zh").from_notebook_node(
        nbformat.read(source, as_version=4), resources={"metadata": {"name": source.stem}})
    ours = page.read_text(encoding="utf-8")
    assert 'alt="No description has been provided for this image"' in ours and 'tabindex="0"' in ours
    remote = re.compile(r'<script src="https?://[^"]*">\s*</script>\s*')
    assert str(BeautifulSoup(ours, features="html.parser")) == remote.sub("", stock)
