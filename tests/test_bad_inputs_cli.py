"""`fuchan check` on every corpus case, as the statistician would meet it: exit 0 for a file that
reads to the clean numbers, exit 2 with file, sheet, row and column for one that is refused."""

from pathlib import Path

import make_bad_inputs as corpus
import pytest

from fuchan_lib.run import cli
from fuchan_lib.core import schema

KEYS = {schema.INDUSTRY: "工业企业台账", schema.SERVICE: "服务业企业台账", schema.INDICATORS: "经济指标"}


def params_for(folder: Path, case, path: Path) -> Path:
    lines = ["县名: 测试县", "报告单位: 测试县工业和信息化局", "名录截止日期: 2022-12-31", "春节: 2023-01-22",
             "截止日期: 2023-02-15", "报告日期: 2023-02-16", "数据:"]
    for kind, key in KEYS.items():
        if kind == case.kind:
            lines += [f"  {key}:", f"    路径: '{path}'"] + ([f"    工作表: '{case.sheet}'"] if case.sheet else [])
        else:
            lines.append(f"  {key}: '{folder / f'reference_{kind}.xlsx'}'")
    target = folder / f"params_{case.name}.yaml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.name)
def test_check_gives_the_documented_result(case, bad_input_corpus, capsys):
    if case.name == "date_without_year_no_year_given":
        pytest.skip("the CLI always knows the year (from 春节 in the params); a library-only case")
    folder, paths = bad_input_corpus
    code = cli.main(["check", str(params_for(folder, case, paths[case.name]))])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case.expect == "same":
        assert code == 0, err
        assert out.rstrip().endswith("检查通过。")
        return
    assert code == 2
    assert f"文件“{paths[case.name].name}”" in err and case.match in err
    if case.row is not None:
        assert f"第{case.row}行" in err
    if case.column is not None:
        assert f"“{case.column}”列" in err
    if case.expected_sheet:
        assert f"工作表“{case.expected_sheet}”" in err
