"""Fit the customers' risk and propensity models and report how they do against the rules.

Generates a year of the synthetic CX programme (scripts/generate_cx_data.py's generator, fixed
seed), reads it with the independent oracle, builds one example per NPS answer that has a history
before it, fits the two logistic regressions of nps_warehouse/risk_model.py on the answers before
the cut-off (the last quarter is held out) and evaluates them on the answers after it, beside the
rule-based flags of fct_customer_health as the baseline. Writes the coefficients to
seeds/cx_risk_model.csv (--seed-out) and prints the report (Markdown) the README quotes.

The same arguments give the same seed and report. Exit codes: 0 done, 2 invalid arguments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nps_warehouse.contract import PROGRAMME_SOURCES  # noqa: E402
from nps_warehouse.generator import generate_programme  # noqa: E402
from nps_warehouse.oracle import FollowupSettings, compute_marts  # noqa: E402
from nps_warehouse.risk_model import (  # noqa: E402
    FEATURES,
    MODELS,
    answers_by_customer,
    evaluate,
    examples,
    fit,
    split,
    write_seed,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fit_risk_model.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000, help="responses of the generated year (30000)")
    parser.add_argument("--days", type=int, default=365, help="days of history (365)")
    parser.add_argument("--end-date", default="2026-10-31", help="last day of the history (2026-10-31)")
    parser.add_argument(
        "--holdout-days", type=int, default=91, help="the last days, held out for the test (91)"
    )
    parser.add_argument("--seed-out", type=Path, default=REPO_ROOT / "seeds" / "cx_risk_model.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    end = date.fromisoformat(args.end_date)
    cutoff = end - timedelta(days=args.holdout_days - 1)
    with tempfile.TemporaryDirectory() as work:
        landing = Path(work) / "landing"
        generate_programme(landing, rows=args.rows, days=args.days, end_date=end, files=4)
        sources = {source: str(landing / source) for source in PROGRAMME_SOURCES}
        as_of = datetime.combine(end + timedelta(days=1), datetime.min.time())
        marts = compute_marts(
            str(landing),
            REPO_ROOT / "seeds",
            sources=sources,
            followup_settings=FollowupSettings(as_of=as_of),
        )
    train, test = split(examples(answers_by_customer(marts)), cutoff)
    models = {name: fit(train, target) for name, target in MODELS.items()}
    write_seed(models, args.seed_out)
    print(f"## Risk models: {args.rows} responses over {args.days} days to {end}, cut-off {cutoff}\n")
    print(f"Training examples (answers with a history, before {cutoff}): {len(train)}; test: {len(test)}.\n")
    print("| model | test answers | positives | AUC | baseline AUC (rules) | Brier | baseline Brier |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    evaluations = [evaluate(name, models[name], test, target) for name, target in MODELS.items()]
    for e in evaluations:
        print(
            f"| `{e.model}` | {e.responses} | {e.positives} | {e.auc:.3f} | {e.baseline_auc:.3f} | "
            f"{e.brier:.4f} | {e.baseline_brier:.4f} |"
        )
    print("\nCalibration (test answers in fifths of the predicted probability: mean predicted / observed):\n")
    for e in evaluations:
        cells = ", ".join(f"{p:.2f} / {o:.2f}" for p, o, _ in e.reliability)
        print(f"- `{e.model}`: {cells}")
    print("\nCoefficients (standardised features):\n")
    print("| feature | " + " | ".join(f"`{name}`" for name in MODELS) + " |")
    print("| --- | " + " | ".join("---:" for _ in MODELS) + " |")
    print("| intercept | " + " | ".join(f"{models[name].intercept:.3f}" for name in MODELS) + " |")
    for feature in FEATURES:
        print(
            f"| `{feature}` | "
            + " | ".join(f"{models[name].coefficients[feature]:.3f}" for name in MODELS)
            + " |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
