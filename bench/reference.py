"""Benchmark: `coopdec load_reference` into a fresh SQLite database, then the idempotent second run.

Target (issue 2): the first load in at most 120 s on SQLite on the 2-core machine.
Prints wall time and peak memory of each run (each in its own process).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "coopdec", *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"coopdec {' '.join(args)} failed:\n{result.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mb, result.stdout


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="coopdec-bench-") as tmp:
        env = {**os.environ, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"}
        run(["migrate", "--no-input", "-v", "0"], env)
        first, peak, output = run(["load_reference"], env)
        print(output.rstrip())
        second, _peak, _ = run(["load_reference"], env)
    print(f"load_reference, fresh SQLite database: {first:6.1f} s (target <= 120 s), peak RSS {peak:.0f} MB")
    print(f"load_reference, second run (unchanged):  {second:6.1f} s")


if __name__ == "__main__":
    main()
