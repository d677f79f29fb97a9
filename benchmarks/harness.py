"""Shared parts of the benchmarks: a fresh database, gunicorn instances, wrk.

Benchmarks are run by hand (see README.md, "Scaling out"); they print figures and
assert nothing. Everything listens on 127.0.0.1 only.
"""

import argparse
import datetime
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE.parent
PYTHON = sys.executable
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/lt_prod_bench"
FIRST_PORT = int(os.environ.get("BENCH_FIRST_PORT", "8301"))
SECRET_KEY = secrets.token_urlsafe(60)


def argument_parser(doc, *, connections=None):
    """The options the benchmarks share: the database and, for wrk runs, their size."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_PG_URL)
    if connections is not None:
        parser.add_argument("--seconds", type=int, default=10)
        parser.add_argument("--connections", type=int, default=connections)
        parser.add_argument("--workers", type=int, default=2)
    return parser


def log(message):
    print(message, flush=True)


def base_env(database_url, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_TASKS_BACKEND="database",
        RATELIMIT_ENABLE="0",
        DJANGO_LOG_LEVEL="WARNING",
        # The scripts send X-Forwarded-For as the TLS proxy would, one client per
        # registration, so that the limit of unconfirmed seats per client is measured
        # as it works, not as one client hitting it.
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(*args, env):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )


def reset_database(database_url):
    """Drop and create the benchmark database, migrate, load the demo event."""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = database_url.rsplit("/", 1)[1]
        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        statements = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"]
        for statement in statements:
            subprocess.run(["psql", admin_url, "-qc", statement], check=True)
    env = base_env(database_url)
    manage("migrate", "--noinput", env=env)
    day = datetime.date.today() + datetime.timedelta(days=14)
    manage("loaddemo", "--force", "--date", day.isoformat(), env=env)
    manage("createcachetable", env=env)


def django_shell(code, database_url):
    """Run Python in the app's context against the benchmark database; return stdout."""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code], cwd=BASE_DIR,
        env=base_env(database_url), check=True, capture_output=True, text=True,
        stdin=subprocess.DEVNULL,
    )
    return result.stdout.strip()


def demo_slug(database_url):
    return django_shell(
        "from events.models import Event; print(Event.objects.get().slug)", database_url
    )


def set_capacity(database_url, capacity):
    django_shell(
        f"from events.models import Event; Event.objects.update(capacity={capacity!r})",
        database_url,
    )


@contextmanager
def static_root():
    root = Path(tempfile.mkdtemp(prefix="lt-bench-static-"))
    env = base_env("sqlite:///unused", DJANGO_STATIC_ROOT=root)
    manage("collectstatic", "--noinput", env=env)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def free_port(start):
    """The first port from ``start`` on that nobody listens on: on a shared machine
    another benchmark may hold 8301, and wrk would measure its server instead."""
    for port in range(start, start + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start} on")


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on port {port} did not start in {timeout} s")


# The master's pid of each gunicorn started by gunicorns(), by port.
GUNICORN_PIDS = {}


@contextmanager
def gunicorns(database_url, *, instances=1, workers=2, **env):
    """Start ``instances`` gunicorn servers; yield their ports; stop them all."""
    processes, ports = [], []
    with static_root() as root:
        try:
            for _ in range(instances):
                port = free_port(ports[-1] + 1 if ports else FIRST_PORT)
                process = subprocess.Popen(
                    [PYTHON, "-m", "gunicorn", "landtagstalk.wsgi", "-c", "gunicorn.conf.py"],
                    cwd=BASE_DIR,
                    env=base_env(
                        database_url, DJANGO_STATIC_ROOT=root, GUNICORN_BIND=f"127.0.0.1:{port}",
                        GUNICORN_WORKERS=workers, GUNICORN_ACCESS_LOG="/dev/null",
                        # Workers live through the run: the CPU time of a recycled
                        # worker would be lost to app_cpu_seconds.
                        GUNICORN_MAX_REQUESTS=0,
                        GUNICORN_LOG_LEVEL="warning", **env,
                    ),
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )
                processes.append(process)
                GUNICORN_PIDS[port] = process.pid
                wait_for_port(port, process)
                ports.append(port)
            yield ports
        finally:
            for process in processes:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
                except ProcessLookupError:
                    pass
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


def wrk(url, *, connections, seconds=10, threads=1, script=None, headers=()):
    """Run wrk; return requests/s, latency percentiles (ms), errors and non-2xx/3xx."""
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    args += ["--timeout", "10s"]
    for header in ("X-Forwarded-Proto: https", *headers):
        args += ["-H", header]
    if script:
        args += ["-s", str(script)]
    busy_before = busy_cpu_seconds()
    output = subprocess.run(
        [*args, url], check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    figures = parse_wrk(output)
    # All processes together (app, database, wrk): steadier than requests/s on a shared
    # machine, whose neighbours take a varying share of the cores.
    if figures["requests"]:
        figures["cpu_ms"] = (busy_cpu_seconds() - busy_before) * 1000 / figures["requests"]
    return figures


def busy_cpu_seconds():
    """Seconds all cores of this machine spent working, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    # user, nice, system, irq, softirq; not idle, iowait, or steal (the host's own share)
    return sum(fields[i] for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def app_cpu_seconds(port, database_url):
    """CPU seconds spent so far by each process of the gunicorn on ``port`` and by the
    database's client backends (none with SQLite: it runs inside gunicorn), by pid.

    Only this app's processes: steadier than the machine's figure when other work
    shares the cores. Take the difference of two readings with ``cpu_spent``.
    """
    session = GUNICORN_PIDS[port]
    backends = [] if database_url.startswith("sqlite") else database_backends(database_url)
    seconds = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, session, ... utime (12th), stime (13th).
        if int(fields[3]) == session or entry.name in backends:
            ticks = int(fields[11]) + int(fields[12])
            seconds[entry.name] = ticks / os.sysconf("SC_CLK_TCK")
    return seconds


def database_backends(database_url):
    """The pids of PostgreSQL's client backends of the benchmark database."""
    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    query = (
        "SELECT pid FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND backend_type = 'client backend'"
    )
    return subprocess.run(
        ["psql", admin_url, "-Atc", query], check=True, capture_output=True, text=True,
    ).stdout.split()


def cpu_spent(before, after):
    """Seconds between two readings of ``app_cpu_seconds``; a process new since counts whole."""
    return sum(max(value - before.get(pid, 0), 0) for pid, value in after.items())


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output):
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        figures[f"p{percentile}"] = _ms(*match.groups())
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx_3xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    figures["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    status_5xx = re.search(r"^5xx: (\d+)$", output, re.M)
    if status_5xx:
        figures["5xx"] = int(status_5xx.group(1))
    return figures


def describe(figures):
    text = (
        f"{figures['rps']:8.1f} req/s  p50 {figures['p50']:6.1f} ms  p90 {figures['p90']:6.1f} ms"
        f"  p99 {figures['p99']:6.1f} ms  ({figures['requests']} requests,"
        f" {figures['non_2xx_3xx']} not 2xx/3xx, {figures['socket_errors']} socket errors"
    )
    if "5xx" in figures:
        text += f", {figures['5xx']} 5xx"
    text += ")"
    if "cpu_ms" in figures:
        text += f"  CPU {figures['cpu_ms']:.1f} ms/request (machine)"
    if "app_cpu_ms" in figures:
        text += f", {figures['app_cpu_ms']:.1f} (app and database)"
    return text


def csrf_pair(port, path):
    """A CSRF cookie and form token from one GET of the form, reusable for many POSTs."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    if response.status != 200:
        sys.exit(f"GET {path} answered {response.status}: is the registration form there?")
    cookie = next(
        value.split(";")[0]
        for header, value in response.getheaders()
        if header.lower() == "set-cookie" and value.startswith("csrftoken=")
    )
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    return cookie, token


def wrk_registrations(port, path, *, connections, seconds):
    """wrk POSTing the registration form at ``path``, each request a new person."""
    cookie, token = csrf_pair(port, path)
    os.environ.update(
        BENCH_COOKIE=cookie, BENCH_TOKEN=token, BENCH_PATH=path,
        BENCH_ORIGIN=f"https://127.0.0.1:{port}", BENCH_RUN=secrets.token_hex(4),
    )
    return wrk(
        f"http://127.0.0.1:{port}{path}", connections=connections, seconds=seconds,
        script=HERE / "register.lua",
    )
