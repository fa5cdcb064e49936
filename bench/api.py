"""Benchmark of the open data API served by gunicorn (2 workers), as a client sees it.

    python bench/api.py [--database postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_api]
                        [--size 100k] [--seconds 10] [--concurrency 8] [--reuse] [--baseline REV] [--rounds 3]

Builds the synthetic data set of bench/synthetic.py in a fresh PostgreSQL database (created and
dropped unless --reuse keeps a previous one), starts gunicorn with 2 sync workers on 127.0.0.1,
then a second process loads it over loopback with keep-alive connections for a fixed time per
target and prints requests per second and latency percentiles of:

- a list endpoint with two filters: /api/v1/projects?country=..&status=.. (pages of 50),
- a single record: /api/v1/projects/{id},
- a static file served by the same server (WhiteNoise): the ceiling of this server on this machine.

Next to each figure: the server's CPU time per request (gunicorn's processes plus the PostgreSQL
backends of the benchmark database, read from /proc), which reads better than latency on a busy
machine, and the load average. ``--baseline REV`` (e.g. ``HEAD~5``) also serves the same database
with the code of that git revision (``git archive`` into a temporary folder) beside the working
tree; each target is measured in short rounds (``--rounds``) in which the two take turns, so that
one run shows before and after under the same machine load.

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
    return {"latencies": latencies, "elapsed": time.perf_counter() - started, "statuses": statuses}


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
        countries = [
            row[0]
            for row in db.execute(
                "SELECT o.country_id, count(*) FROM cooperation_project p JOIN actors_organisation o ON o.id = "
                "p.lead_organisation_id "
                "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
            ).fetchall()
        ]
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM cooperation_project WHERE publication_status = 'published' ORDER BY random() LIMIT 500"
            ).fetchall()
        ]
    statuses = ["2", "3", "4"]
    lists = [f"/api/v1/projects?country={c}&status={s}" for c in countries for s in statuses]
    if not countries:  # projects without a lead organisation: filter by partnership party country
        lists = [f"/api/v1/projects?status={s}&sector=140" for s in statuses]
    return lists, [f"/api/v1/projects/{i}" for i in ids]


def _cpu_times(pids) -> dict[int, float]:
    """User + system CPU seconds of each process still running (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return times


def server_pids(server_pid: int, url: str, application: str) -> tuple[list[int], list[int]]:
    """gunicorn's processes (its session), and the PostgreSQL backends of its connections."""
    import psycopg

    gunicorn = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3]) == server_pid:  # session id
                    gunicorn.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    with psycopg.connect(url, autocommit=True) as db:
        backends = [
            row[0]
            for row in db.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application]
            ).fetchall()
        ]
    return gunicorn, backends


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes running at the end (a backend that ended
    meanwhile, when a connection was recycled, is not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def measure(port: int, paths: list[str], seconds: float, concurrency: int, server=None) -> dict:
    """One round of load on one server: latencies, statuses, elapsed time and the server's CPU."""
    command = [sys.executable, __file__, "_load", str(port), str(seconds), str(concurrency), json.dumps(paths)]
    gunicorn, backends = server_pids(server.pid, *server.database) if server else ([], [])
    before = _cpu_times(gunicorn), _cpu_times(backends)
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if server:
        gunicorn, backends = server_pids(server.pid, *server.database)
        result["python"] = _cpu_used(before[0], _cpu_times(gunicorn))
        result["database"] = _cpu_used(before[1], _cpu_times(backends))
    result["load"] = os.getloadavg()[0]
    return result


def report(label: str, rounds: list[dict]) -> None:
    latencies = sorted(latency for result in rounds for latency in result["latencies"])
    n = len(latencies)
    statuses: dict[str, int] = {}
    for result in rounds:
        for code, count in result["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    others = {code: count for code, count in statuses.items() if code != "200"}
    python, database = sum(r.get("python", 0) for r in rounds), sum(r.get("database", 0) for r in rounds)
    loads = [r["load"] for r in rounds]

    def percentile(q: float) -> float:
        return latencies[int(q * (n - 1))] * 1000 if n else 0

    print(
        f"  {label:<44} {n / sum(r['elapsed'] for r in rounds):6.0f} req/s   p50 {percentile(0.5):7.1f} ms   "
        f"p95 {percentile(0.95):7.1f} ms   p99 {percentile(0.99):7.1f} ms   server CPU "
        f"{1000 * (python + database) / max(n, 1):5.1f} "
        f"ms/req (gunicorn {1000 * python / max(n, 1):4.1f} + PostgreSQL {1000 * database / max(n, 1):4.1f})   "
        f"load {min(loads):.1f}-{max(loads):.1f}   (n={n}{', not 200: ' + str(others) if others else ''})"
    )


def serve(env: dict, source: Path, application: str) -> tuple[subprocess.Popen, int]:
    """gunicorn with 2 sync workers on a free port, running the code under ``source`` (a src folder);
    its database connections carry ``application`` as application_name (to count their CPU)."""
    port = free_port()
    url = env["DATABASE_URL"]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coopdec.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env={**env, "PYTHONPATH": str(source), "DATABASE_URL": f"{url}?application_name={application}"},
        cwd=ROOT,
        start_new_session=True,
    )
    server.database = (url, application)
    wait_until_up(port)
    return server, port


def compare(versions: list[tuple[str, Path]], env: dict, lists: list[str], records: list[str], args) -> None:
    """Serve each version at once; measure each target in ``args.rounds`` short rounds, the versions
    taking turns, so that a change of the machine's load hits them alike."""
    servers = []
    try:
        for number, (label, source) in enumerate(versions):
            servers.append((label, *serve(env, source, f"coopdec-bench-api-{number}")))
        for _label, _server, port in servers:
            measure(port, lists[:3] + records[:20], 3, 2)  # warm-up, not counted
        targets = [
            ("list, two filters (country + status)", lists),
            ("single record", records),
            ("static file (WhiteNoise), the ceiling", ["/static/web/coopdec.css"]),
        ]
        for target, paths in targets:
            rounds: dict[str, list[dict]] = {label: [] for label, _server, _port in servers}
            for _round in range(args.rounds):
                for label, server, port in servers:
                    rounds[label].append(measure(port, paths, args.seconds / args.rounds, args.concurrency, server))
            for label, _server, _port in servers:
                report(f"{target}: {label}" if len(servers) > 1 else target, rounds[label])
    finally:
        for _label, server, _port in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def export_revision(revision: str, into: Path) -> Path:
    """The ``src`` folder of a git revision, extracted under ``into``."""
    archive = subprocess.run(["git", "archive", revision, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        port, seconds, concurrency, paths = (
            int(sys.argv[2]),
            float(sys.argv[3]),
            int(sys.argv[4]),
            json.loads(sys.argv[5]),
        )
        result = load(port, paths, seconds, concurrency)
        result["statuses"] = {str(k): v for k, v in result["statuses"].items()}
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default=DEFAULT_DATABASE, help="PostgreSQL URL (its database is dropped and created)"
    )
    parser.add_argument("--size", choices=SIZES, default="100k")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the database if it already has the data")
    parser.add_argument("--baseline", metavar="REV", help="also measure the code of this git revision (before/after)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per target, the versions taking turns")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="coopdec-api-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "COOPDEC_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "coopdec.settings",
        "API_TRUSTED_PROXIES": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    try:
        print(
            f"== API benchmark: {args.size} projects on PostgreSQL, gunicorn 2 workers, {args.concurrency} "
            "connections, "
            f"{args.seconds:.0f} s per target"
        )
        setup_database(args.database, SIZES[args.size], env, reuse=args.reuse)
        run([sys.executable, "-m", "coopdec", "collectstatic", "--no-input", "-v", "0"], env)
        lists, records = sample_paths(args.database)
        random.Random(1).shuffle(records)
        versions = [("working tree", ROOT / "src")]
        if args.baseline:
            versions.insert(0, (f"baseline {args.baseline}", export_revision(args.baseline, var / "baseline")))
        compare(versions, env, lists, records, args)
    finally:
        shutil.rmtree(var, ignore_errors=True)
        if not args.reuse:
            import psycopg

            base, name = args.database.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
