"""Run ``sqlfluff lint`` with the given arguments, as ``make lint`` does.

sqlfluff parses with its Rust parser (sqlfluffrs, installed with the lint tools): the same parse
trees as its Python parser on this project, in about a sixth of the time. With sqlfluffrs
loaded, DuckDB's bindings (which the dbt templater loads) print a report of the objects still
alive when the interpreter tears down: hundreds of lines saying nothing about the SQL. So this
runs sqlfluff's own command line and, once its report is written, sends what the teardown
prints to /dev/null; the exit code is sqlfluff's. The Rust parser's progress warnings are off
unless RUST_LOG asks for them.

Usage: scripts/lint_sql.py models tests/dbt (any ``sqlfluff lint`` argument).
"""

from __future__ import annotations

import os
import sys


def main(arguments: list[str]) -> int:
    os.environ.setdefault("RUST_LOG", "error")
    from sqlfluff.cli.commands import cli

    try:
        cli.main(args=["lint", *arguments], prog_name="sqlfluff", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stderr.fileno())
    sys.exit(status)
