"""`make bench`: every benchmark script in turn; each prints its tables and writes its section of RESULTS.md.

    .venv/bin/python bench/run.py [--quick]

Runs bench/speed.py, then bench/quality.py and bench/load.py when they exist. Not part of
the test suite; takes about an hour on 2 cores (--quick: seeds only, a few minutes).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("speed.py", "quality.py", "load.py")


def main() -> int:
    extra = sys.argv[1:]
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.is_file():
            print(f"== {name}: not present, skipped", flush=True)
            continue
        print(f"== {name}", flush=True)
        args = extra if name == "speed.py" else []
        if subprocess.run([sys.executable, str(script), *args], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
