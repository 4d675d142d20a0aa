"""Audit pages a director can read: the executed notebooks as web pages show the run's
parameters as one Chinese line (no json escapes, no staging folder, not the committed
defaults) and tables as the report writes them (rates "90.9%", every row, no shape line)."""

import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from fuchan_lib.core.run_folder import STAGING_PREFIX
from fuchan_lib.run.html_export import export_html, parameter_line
from fuchan_lib.run.notebook import NotebookRun

DEFAULTS = ('params_path = "../params/示例县_2023Q1.yaml"  # 参数文件\n'
            'run_dir = "../outputs/笔记本试运行"  # 结果写到这里\nas_of = ""')
# as papermill writes it: json-escaped Chinese, the run's staging folder
INJECTED = ('# Parameters\nparams_path = "/srv/统计/params/\\u9752\\u77f3\\u53bf_2023Q1.yaml"\n'
            'run_dir = "/srv/统计/outputs/.\\u8fd0\\u884c\\u4e2d-2mpvxhat"\nas_of = "2023-02-15"\n')
ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")


def notebook(tmp_path, *cells):
    book = nbformat.v4.new_notebook()
    book.cells = list(cells)
    path = tmp_path / "1_工业.ipynb"
    nbformat.write(book, path)
    return path


def tagged(source, tag):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [tag]
    return cell


def test_the_page_says_the_parameters_in_chinese_and_hides_the_defaults_and_staging(tmp_path):
    source = notebook(tmp_path, nbformat.v4.new_markdown_cell("# 工业企业复工复产情况"),
                      tagged(DEFAULTS, "parameters"), tagged(INJECTED, "injected-parameters"),
                      nbformat.v4.new_code_cell("run = open_run(params_path, run_dir, as_of)"))
    (page,) = export_html([source], tmp_path / "网页")
    text = page.read_text(encoding="utf-8")
    assert "参数文件：青石县_2023Q1.yaml　截止日期：2023年2月15日" in text
    assert ESCAPE.search(text) is None
    assert STAGING_PREFIX.strip(".") not in text and "2mpvxhat" not in text
    assert "笔记本试运行" not in text and "../params" not in text  # the committed defaults
    assert "open_run" in text  # the rest of the notebook is all there


def test_a_notebook_run_without_papermill_keeps_its_parameters_cell(tmp_path):
    source = notebook(tmp_path, tagged(DEFAULTS, "parameters"), nbformat.v4.new_code_cell("1 + 1"))
    (page,) = export_html([source], tmp_path / "网页")
    assert "笔记本试运行" in page.read_text(encoding="utf-8")  # what was run, as written


@pytest.mark.parametrize("values, line", [
    ({"params_path": "C:\\统计\\params\\东湖区_2023Q2.yaml", "run_dir": "x", "as_of": "2023-04-03"},
     "**本次运行**　参数文件：东湖区_2023Q2.yaml　截止日期：2023年4月3日"),
    ({"params_path": "p.yaml", "as_of": ""}, "**本次运行**　参数文件：p.yaml　截止日期：参数文件中的截止日期"),
])
def test_parameter_line(values, line):
    assert parameter_line(values) == line


def test_tables_show_rates_as_the_report_and_every_row_without_a_shape_line():
    rates = pd.DataFrame({"乡镇（园区）": [f"镇{i}" for i in range(130)], "需复工": 11,
                          "复工率": [1000 / 11] * 129 + [np.nan]})
    html = NotebookRun.show(rates)._repr_html_()
    assert html.count("<td>90.9%</td>") == 129 and "<td>—</td>" in html
    assert "90.909" not in html and "rows ×" not in html and html.count("<tr") == 131  # the header and 130 rows
    towns = pd.DataFrame([["城关镇", 16, 13, 81.25]], columns=pd.MultiIndex.from_tuples(
        [("乡镇（园区）", ""), ("工业企业", "需复工"), ("工业企业", "已复工"), ("工业企业", "复工率")]))
    html = NotebookRun.show(towns)._repr_html_()
    assert "<td>81.3%</td>" in html and 'colspan="3"' in html
