"""Load benchmark of the documented production stack: nginx in front of two gunicorn instances on PostgreSQL.

    python bench/load.py [--duration 120] [--users 50] [--workers 2] [--no-failover]

Sets up, on loopback addresses only (docs/deployment.md, scaled down to this machine):

- the PostgreSQL database ``coopdec_load`` (``--database-url``), filled once with ``coopdec migrate``,
  ``load_reference``, ``import_twinnings data/twinnings/twin_cities_raw.csv``, ``demo_setup`` and
  ``demo_data``; kept between runs (a comment on the database marks it complete), ``--rebuild`` redoes it;
- ``collectstatic`` into ``var/load/static`` (the bench's ``COOPDEC_VAR_DIR``);
- two gunicorn instances (``--workers`` gthread workers of 4 threads each) on free loopback ports;
- nginx (the Debian package; installed with apt-get when missing and run as root) on a free loopback
  port with a generated configuration in a temporary directory: an upstream of both instances,
  ``/static/`` served from disk;
- ``coopdec db_worker`` (the background task worker) when that command exists.

Then runs locust (``bench/load_users.py``) headless with ``--users`` users for ``--duration`` seconds:
atlas pages and searches, organisation, partnership and project pages, API lists, a static file, and
a few writes (signed-in coordinators confirming organisations). Prints requests per second, p50 / p95 /
p99 latency and errors per kind of request, and the ratio of the application's latency to the static
file's (served by nginx in the same run). A second run kills one gunicorn instance (its whole process
group, SIGKILL) half-way: nginx sends the rest to the other one; the errors are printed (only the
requests in flight on the killed instance should fail). Everything started is stopped at the end,
on Ctrl-C too. The API rate limit is raised for the run (every simulated user comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COOPDEC = [sys.executable, "-m", "coopdec"]
TWINNINGS = ROOT / "data" / "twinnings" / "twin_cities_raw.csv"
READY = "coopdec load bench: complete"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def stack_environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        DATABASE_URL=args.database_url,
        COOPDEC_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),  # the directory both instances share
        ALLOWED_HOSTS=LOOPBACK,
        SITE_URL=f"http://{LOOPBACK}",
        API_RATE_ANONYMOUS="1000000/min",
        API_RATE_AUTHENTICATED="1000000/min",
        API_TRUSTED_PROXIES="1",
    )
    if "SECRET_KEY" not in env and "SECRET_KEY_FILE" not in env:
        env["SECRET_KEY_FILE"] = str(ROOT / "var" / "secret_key")
    return env


def run(env: dict[str, str], *command: str) -> None:
    started = time.monotonic()
    print(f"  $ {' '.join(command)}", flush=True)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"    {time.monotonic() - started:.0f} s", flush=True)


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    parts = urlsplit(args.database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row and row[0] == READY and not args.rebuild:
            print(f"database {name}: kept from an earlier run (--rebuild to redo it)")
            run(env, *COOPDEC, "migrate", "-v0")
            return
        print(f"database {name}: building (once; several minutes)")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        run(env, *COOPDEC, "migrate", "-v0")
        run(env, *COOPDEC, "load_reference")
        run(env, *COOPDEC, "import_twinnings", str(TWINNINGS))
        run(env, *COOPDEC, "demo_setup")
        run(env, *COOPDEC, "demo_data")
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{READY}'")


def collect_static(env: dict[str, str], manifest: Path) -> None:
    """collectstatic (minutes here: every file is compressed again) only when a static file changed."""
    sources = [path for path in (ROOT / "src").glob("coopdec/*/static/**/*") if path.is_file()]
    if manifest.exists() and all(path.stat().st_mtime <= manifest.stat().st_mtime for path in sources):
        print("static files: collected by an earlier run")
        return
    run(env, *COOPDEC, "collectstatic", "--noinput", "-v0")


def targets(args: argparse.Namespace, var_dir: Path) -> dict:
    """What the simulated users visit: published record ids, search words, a static file, the coordinators."""
    with psycopg.connect(args.database_url) as db:

        def ids(table: str) -> list[int]:
            return [
                r[0]
                for r in db.execute(
                    f"SELECT id FROM {table} WHERE publication_status = 'published' ORDER BY id LIMIT 2000"
                )
            ]  # noqa: S608

        organisations = ids("actors_organisation")
        words = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT split_part(name, ' ', 1) FROM actors_organisation "
                "WHERE publication_status = 'published' AND length(split_part(name, ' ', 1)) >= 4 LIMIT 200"
            )
        ]
        return {
            "organisations": organisations,
            "partnerships": ids("cooperation_partnership"),
            "projects": ids("cooperation_project"),
            "words": words,
            "countries": [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT country_id FROM actors_organisation WHERE country_id IS NOT NULL LIMIT 40"
                )
            ],
            "static": "/static/"
            + json.loads((var_dir / "static" / "staticfiles.json").read_text())["paths"]["web/coopdec.css"],
            "account": {"username": "admin", "password": (var_dir / "demo_admin_password").read_text().strip()},
        }


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
"""


def nginx_site(listen: str, upstreams: list[str], static_root: Path, max_upload_mb: int) -> str:
    """The server block of docs/deployment.md, on a loopback port and without TLS."""
    servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=10s;" for address in upstreams)
    return f"""\
    upstream coopdec {{
{servers}
        keepalive 32;
    }}
    server {{
        listen {listen};
        client_max_body_size {max_upload_mb + 1}m;
        location /static/ {{
            alias {static_root}/;
            expires 1h;
            gzip_static on;
        }}
        location / {{
            proxy_pass http://coopdec;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}"""


def ensure_nginx() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx:
        return nginx
    print("nginx is missing: apt-get install -y nginx-light")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx-light"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return "/usr/sbin/nginx"


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.5)


class Stack:
    """Starts processes in their own process groups and stops every one of them on exit."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []

    def start(self, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        handle = log.open("ab")
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def start_gunicorn(stack: Stack, env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "coopdec.wsgi",
        f"--bind={LOOPBACK}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        "--threads=4",
        "--timeout=60",
        "--keep-alive=30",
        "--config=python:coopdec.gunicorn_conf",
    ]
    return stack.start(command, env, log)


def run_locust(
    args: argparse.Namespace, host: str, targets_file: Path, prefix: Path, env: dict[str, str]
) -> subprocess.Popen:
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "load_users.py"),
        "--headless",
        "--only-summary",
        f"--users={args.users}",
        f"--spawn-rate={args.users}",
        f"--run-time={args.duration}s",
        f"--host={host}",
        f"--csv={prefix}",
        "--stop-timeout=10",
        "--loglevel=WARNING",
    ]
    return subprocess.Popen(
        command,
        env={**env, "LOAD_TARGETS": str(targets_file), "LOAD_WAIT": args.wait},
        stdout=subprocess.DEVNULL,
        stderr=(prefix.parent / f"{prefix.name}.locust.log").open("wb"),
        start_new_session=True,
    )


def report(prefix: Path, title: str) -> None:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"\n{title}")
    header = f"{'request':<28} {'count':>7} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"
    print(header)
    print("-" * len(header))
    by_name = {}
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        by_name[name] = row
        print(
            f"{name:<28} {row['Request Count']:>7} {row['Failure Count']:>6} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    static, total = by_name.get("static file"), by_name.get("all requests")
    if static and total:
        # The static file is 1 request in ~22: the aggregated percentiles are the application's, nearly.
        ratios = [float(total[p]) / max(float(static[p]), 1.0) for p in ("50%", "95%")]
        print(f"all requests / static file (nginx from disk, same run): p50 {ratios[0]:.0f}x, p95 {ratios[1]:.0f}x")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as handle:
            for row in csv.DictReader(handle):
                print(f"  error: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of each run (default 120)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance (default 2)")
    parser.add_argument(
        "--wait", default="1,3", help="think time between a user's requests, MIN,MAX seconds (default 1,3)"
    )
    parser.add_argument("--database-url", default="postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_load")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the database even if an earlier run left it complete"
    )
    parser.add_argument("--no-failover", action="store_true", help="skip the second run (one instance killed)")
    args = parser.parse_args()

    var_dir = ROOT / "var" / "load"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = stack_environment(args, var_dir)
    nginx = ensure_nginx()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    prepare_database(args, env)
    collect_static(env, var_dir / "static" / "staticfiles.json")

    with ExitStack() as cleanup, tempfile.TemporaryDirectory(prefix="coopdec-load-") as tmp_name:
        tmp = Path(tmp_name)
        stack = Stack()
        cleanup.callback(stack.close)
        signal.signal(
            signal.SIGTERM, lambda *_: sys.exit(143)
        )  # Ctrl-C raises KeyboardInterrupt: both unwind the ExitStack

        ports = [free_port(), free_port()]
        instances = [start_gunicorn(stack, env, port, args.workers, tmp / f"gunicorn-{port}.log") for port in ports]
        if subprocess.run([*COOPDEC, "help", "db_worker"], env=env, capture_output=True).returncode == 0:
            stack.start([*COOPDEC, "db_worker"], env, tmp / "db_worker.log")
            print("background task worker: coopdec db_worker started")
        else:
            print("background task worker: no `coopdec db_worker` command here; none started")
        nginx_port = free_port()
        user = "user root;" if os.geteuid() == 0 else ""
        site = nginx_site(
            f"{LOOPBACK}:{nginx_port}",
            [f"{LOOPBACK}:{port}" for port in ports],
            var_dir / "static",
            int(env.get("MAX_UPLOAD_MB", "10")),
        )
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, user=user, site=site))
        subprocess.run([nginx, "-t", "-q", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], check=True)
        stack.start([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")], env, tmp / "nginx.log")
        host = f"http://{LOOPBACK}:{nginx_port}"
        for port in ports:
            wait_http(f"http://{LOOPBACK}:{port}/atlas/")
        wait_http(f"{host}/atlas/")
        print(f"stack: nginx {host} -> gunicorn {ports[0]}, {ports[1]} ({args.workers} workers x 4 threads each)")

        targets_file = tmp / "targets.json"
        found = targets(args, var_dir)
        targets_file.write_text(json.dumps(found))
        print(
            f"targets: {len(found['organisations'])} organisations, {len(found['partnerships'])} partnerships, "
            f"{len(found['projects'])} projects, {len(found['words'])} search words"
        )

        runs = [("steady", False)] + ([] if args.no_failover else [("failover", True)])
        for label, kill_one in runs:
            print(f"\n{label}: {args.users} users for {args.duration} s (think time {args.wait} s)...", flush=True)
            locust = run_locust(args, host, targets_file, tmp / label, env)
            cleanup.callback(lambda process=locust: process.poll() is None and os.killpg(process.pid, signal.SIGKILL))
            if kill_one:
                time.sleep(args.duration / 2)
                stack.kill(instances[1])
                print(f"  killed gunicorn on port {ports[1]} at {args.duration // 2} s")
            locust.wait(timeout=args.duration + 60)
            report(tmp / label, f"{label}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
