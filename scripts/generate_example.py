"""Write the example county's clean ledgers (default: data/example/*.xlsx) from a fixed seed.

    python scripts/generate_example.py [--industry N] [--service N] [--seed S] [--out DIR] [--format xlsx|csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthetic import make_county, write_county

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "example"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例县的台账与经济指标（固定随机种子，可重复）")
    parser.add_argument("--industry", type=int, default=1200, help="工业企业户数（默认 1200）")
    parser.add_argument("--service", type=int, default=600, help="服务业企业户数（默认 600）")
    parser.add_argument("--seed", type=int, default=2023, help="随机种子（默认 2023）")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（默认 data/example）")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="文件格式")
    args = parser.parse_args(argv)
    frames = make_county(args.industry, args.service, seed=args.seed)
    for path in write_county(frames, args.out, args.format):
        print(f"已写入 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
