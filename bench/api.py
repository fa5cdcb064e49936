"""Benchmark of the open data API served by gunicorn (2 workers), as a client sees it.

    python bench/api.py [--database postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_api]
                        [--size 100k] [--seconds 10] [--concurrency 8] [--reuse] [--baseline REV]

Builds the synthetic data set of bench/synthetic.py in a fresh PostgreSQL database (created and
dropped unless --reuse keeps a previous one), starts gunicorn with 2 sync workers on 127.0.0.1,
then a second process loads it over loopback with keep-alive connections for a fixed time per
target and prints requests per second and latency percentiles of:

- a list endpoint with two filters: /api/v1/projects?country=..&status=.. (pages of 50),
- a single record: /api/v1/projects/{id},
- a static file served by the same server (WhiteNoise): the ceiling of this server on this machine.

Next to each figure: the server's CPU time per request (gunicorn's processes plus the PostgreSQL
backends of the benchmark database, read from /proc), which reads better than latency on a busy
machine, and the load average. ``--baseline REV`` (e.g. ``HEAD~5``) first serves the same database
with the code of that git revision (``git archive`` into a temporary folder), then with the working
tree, so that one run shows before and after.

Anonymous clients are rate-limited per address; the load generator spreads its requests over
250 addresses in X-Forwarded-For (API_TRUSTED_PROXIES=1), so the limiter runs as in production
without refusing the benchmark. Any non-200 answer is counted and printed.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
DEFAULT_DATABASE = "postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_api"
ADDRESSES = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(250)]


# --- the load generator (runs in its own process) ---------------------------------------------
def load(port: int, paths: list[str], seconds: float, concurrency: int) -> dict:
    """Hit ``paths`` (round robin) for ``seconds`` from ``concurrency`` keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes, n = [], {}, offset
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            headers = {"X-Forwarded-For": ADDRESSES[n % len(ADDRESSES)], "Accept-Encoding": "identity"}
            n += concurrency
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000 if latencies else 0,
        "statuses": statuses,
    }


# --- set-up -----------------------------------------------------------------------------------
def run(command: list[str], env: dict) -> None:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def setup_database(url: str, size: int, env: dict, *, reuse: bool) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as db:
                projects = db.execute("SELECT count(*) FROM cooperation_project").fetchone()[0]
            if projects >= size:
                print(f"  reusing {name}: {projects} projects")
                run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env)
                return
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env)
    run([sys.executable, "-m", "coopdec", "load_reference"], env)
    print(f"  reference data loaded in {time.perf_counter() - started:.0f} s")
    code = (
        "import django; django.setup(); import sys; sys.path.insert(0, 'bench'); from synthetic import build; "
        f"counts = build({size}, progress=lambda line: None); print(counts)"
    )
    output = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    print(f"  synthetic data: {output.stdout.strip().splitlines()[-1]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not come up")


def sample_paths(url: str) -> tuple[list[str], list[str]]:
    """Two-filter list queries and single records that exist in the data set."""
    import psycopg

    with psycopg.connect(url) as db:
        countries = [row[0] for row in db.execute(
            "SELECT o.country_id, count(*) FROM cooperation_project p JOIN actors_organisation o ON o.id = p.lead_organisation_id "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 10").fetchall()]
        ids = [row[0] for row in db.execute(
            "SELECT id FROM cooperation_project WHERE publication_status = 'published' ORDER BY random() LIMIT 500").fetchall()]
    statuses = ["2", "3", "4"]
    lists = [f"/api/v1/projects?country={c}&status={s}" for c in countries for s in statuses]
    if not countries:  # projects without a lead organisation: filter by partnership party country
        lists = [f"/api/v1/projects?status={s}&sector=140" for s in statuses]
    return lists, [f"/api/v1/projects/{i}" for i in ids]


def _cpu_seconds(pids) -> float:
    """User + system CPU time of processes (from /proc; processes gone meanwhile count nothing)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def server_pids(server_pid: int, url: str) -> tuple[list[int], list[int]]:
    """gunicorn's processes (its session), and the PostgreSQL backends connected to the database."""
    import psycopg

    gunicorn = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3]) == server_pid:  # session id
                    gunicorn.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as db:
        mine = db.execute("SELECT pg_backend_pid()").fetchone()[0]
        backends = [row[0] for row in db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s", [name, mine]).fetchall()]
    return gunicorn, backends


def measure(label: str, port: int, paths: list[str], args, server=None) -> None:
    command = [sys.executable, __file__, "_load", str(port), str(args.seconds), str(args.concurrency), json.dumps(paths)]
    gunicorn, backends = server_pids(server.pid, args.database) if server else ([], [])
    before = _cpu_seconds(gunicorn), _cpu_seconds(backends)
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    python, database = _cpu_seconds(gunicorn) - before[0], _cpu_seconds(backends) - before[1]
    others = {code: n for code, n in result["statuses"].items() if code != "200"}
    cpu = ""
    if server and result["requests"]:
        n = result["requests"]
        cpu = f"server CPU {1000 * (python + database) / n:5.1f} ms/req (gunicorn {1000 * python / n:4.1f} + PostgreSQL {1000 * database / n:4.1f})   "
    print(
        f"  {label:<38} {result['rps']:6.0f} req/s   p50 {result['p50_ms']:7.1f} ms   p95 {result['p95_ms']:7.1f} ms   "
        f"p99 {result['p99_ms']:7.1f} ms   {cpu}load {os.getloadavg()[0]:4.1f}   "
        f"(n={result['requests']}{', not 200: ' + str(others) if others else ''})"
    )


def serve(env: dict, source: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn with 2 sync workers on a free port, running the code under ``source`` (a src folder)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "coopdec.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env={**env, "PYTHONPATH": str(source)}, cwd=ROOT, start_new_session=True,
    )
    wait_until_up(port)
    return server, port


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def measure_all(title: str, env: dict, source: Path, lists: list[str], records: list[str], args) -> None:
    print(f"-- {title}")
    server, port = serve(env, source)
    try:
        measure("warm-up (not counted)", port, lists[:3] + records[:20], argparse.Namespace(seconds=3, concurrency=2))
        measure("list, two filters (country + status)", port, lists, args, server)
        measure("single record", port, records, args, server)
        measure("static file (WhiteNoise), the ceiling", port, ["/static/web/coopdec.css"], args, server)
    finally:
        stop(server)


def export_revision(revision: str, into: Path) -> Path:
    """The ``src`` folder of a git revision, extracted under ``into``."""
    archive = subprocess.run(["git", "archive", revision, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        port, seconds, concurrency, paths = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
        result = load(port, paths, seconds, concurrency)
        result["statuses"] = {str(k): v for k, v in result["statuses"].items()}
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="PostgreSQL URL (its database is dropped and created)")
    parser.add_argument("--size", choices=SIZES, default="100k")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the database if it already has the data")
    parser.add_argument("--baseline", metavar="REV", help="first measure the code of this git revision (before/after)")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="coopdec-api-bench-"))
    env = {
        **os.environ, "DATABASE_URL": args.database, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "COOPDEC_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "coopdec.settings", "API_TRUSTED_PROXIES": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    try:
        print(f"== API benchmark: {args.size} projects on PostgreSQL, gunicorn 2 workers, {args.concurrency} connections, "
              f"{args.seconds:.0f} s per target")
        setup_database(args.database, SIZES[args.size], env, reuse=args.reuse)
        run([sys.executable, "-m", "coopdec", "collectstatic", "--no-input", "-v", "0"], env)
        lists, records = sample_paths(args.database)
        random.Random(1).shuffle(records)
        if args.baseline:
            measure_all(f"baseline: git revision {args.baseline}", env, export_revision(args.baseline, var / "baseline"), lists, records, args)
        measure_all("working tree", env, ROOT / "src", lists, records, args)
    finally:
        shutil.rmtree(var, ignore_errors=True)
        if not args.reuse:
            import psycopg

            base, name = args.database.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
