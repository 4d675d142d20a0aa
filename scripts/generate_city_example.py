"""Write the example city's two generated counties (data/示例市/<县>/ and params/<县>_2023Q1.yaml).

The example city (params/示例市_2023Q1.yaml) rolls up 示例县 and these two. 西岭县's industry
ledger also lists one enterprise of 示例县 (same 统一社会信用代码), as happens when a firm
moves: the roll-up warns and counts it once, in 示例县. Fixed seeds: the files are reproducible.

    python scripts/generate_city_example.py [--root DIR] [--format xlsx|csv]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from synthetic import make_county, write_county

ROOT = Path(__file__).resolve().parents[1]
# (name, industry rows, service rows, seed, 主送机关)
COUNTIES = (("东湖区", 800, 400, 7, "区人大常委会"), ("西岭县", 500, 300, 11, "县人大常委会"))
FESTIVAL, AS_OF = date(2023, 1, 22), date(2023, 2, 15)


def county_params_text(name: str, data_dir: str, *, addressee: str = "县人大常委会",
                       as_of: date = AS_OF, basis: str = "需复工", fmt: str = "xlsx",
                       indicators: bool = True, output: str = "../outputs") -> str:
    """A county params file for generated ledgers in `data_dir` (relative to the params file)."""
    lines = [
        f"# {name}：生成的示例数据（scripts/generate_city_example.py），供示例市汇总使用。",
        f"县名: {name}", f"报告单位: {name}工业和信息化局", f"主送机关: {addressee}",
        "名录截止日期: 2022-12-31", f"春节: {FESTIVAL.isoformat()}", f"截止日期: {as_of.isoformat()}",
        f"报告日期: {as_of.isoformat()}", "目标截止: 2023-03-31", "指标期末: 2023-01-31",
        f"复工率口径: {basis}", "小数位数: 1", "数据:",
        f"  工业企业台账: {data_dir}/工业企业台账.{fmt}", f"  服务业企业台账: {data_dir}/服务业企业台账.{fmt}",
    ]
    if indicators:
        lines += [f"  经济指标: {data_dir}/经济指标.{fmt}", f"  企业指标: {data_dir}/企业指标.{fmt}"]
    lines.append(f"输出目录: {output}")
    return "\n".join(lines) + "\n"


def moved_firm(frames: dict[str, pd.DataFrame], donor: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The frames with the donor's first enterprise appended to the industry ledger."""
    industry = pd.concat([frames[schema.INDUSTRY], donor.head(1)], ignore_index=True)
    return frames | {schema.INDUSTRY: industry}


def write_city_counties(root: Path = ROOT, fmt: str = "xlsx") -> list[Path]:
    """Ledgers under root/data/示例市/<县>/ and params under root/params/; returns the params."""
    donor = make_county(1200, 600, seed=2023)[schema.INDUSTRY]  # 示例县's ledger (same seed)
    written = []
    for name, n_industry, n_service, seed, addressee in COUNTIES:
        frames = make_county(n_industry, n_service, seed=seed, county=name)
        if name == "西岭县":
            frames = moved_firm(frames, donor)
        write_county(frames, root / "data" / "示例市" / name, fmt)
        params = root / "params" / f"{name}_2023Q1.yaml"
        params.parent.mkdir(parents=True, exist_ok=True)
        params.write_text(county_params_text(name, f"../data/示例市/{name}", addressee=addressee,
                                             fmt=fmt), encoding="utf-8")
        written.append(params)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例市的两个示例县（区）的台账和参数文件")
    parser.add_argument("--root", type=Path, default=ROOT, help="项目文件夹（默认本项目）")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="文件格式")
    args = parser.parse_args(argv)
    for path in write_city_counties(args.root, args.format):
        print(f"已写入 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
