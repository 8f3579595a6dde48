"""Write sample exports of real survey tools (Qualtrics, Delighted, a French Excel CSV) and the
landing.yml that lands them: the set committed in examples/landing (`make examples`).

A thin command line over nps_warehouse.sample_exports; each tool's module says which export
format it follows. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.sample_exports import write_examples  # noqa: E402 (needs the sys.path entry)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate_sample_exports.py",
        description=(
            "Write sample Qualtrics, Delighted and French Excel exports under OUT/exports and the "
            "landing.yml that lands them (OUT/landing.yml)."
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=Path("examples/landing"), help="folder (default examples/landing)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    for path in write_examples(args.out, seed=args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
