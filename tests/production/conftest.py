"""Fixtures for tests that run the app as production does: real processes, a real
SMTP server on loopback, the database the test uses."""

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {message}")


def database_url():
    """The URL of the database this test uses, for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def is_postgresql():
    return connection.vendor == "postgresql"


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps the messages it receives.

    ``stall`` holds every message without an answer, as a hanging server does.
    """

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.stall = False
        self.stalled = threading.Event()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            self.stalled.set()
            while self.stall:
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.stall = False
        if self.controller:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count, timeout=30):
        wait_until(lambda: len(self.messages) >= count, timeout=timeout, message=f"{count} mail(s)")
        return self.messages

    def recipients(self):
        return sorted(message["To"] for message in self.messages)


@pytest.fixture
def mail_sink():
    sink = MailSink()
    yield sink
    sink.stop()


class Processes:
    """Processes started by a test; all are killed when the test ends."""

    def __init__(self, tmp_path, static_root):
        self.tmp_path = tmp_path
        self.static_root = static_root
        self.running = []

    def env(self, **extra):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "PYTEST", "GUNICORN_"))
        }
        env.update(
            DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
            DATABASE_URL=database_url(),
            DJANGO_STATIC_ROOT=str(self.static_root),
            DJANGO_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def start(self, name, args, **env):
        log = self.tmp_path / f"{name}-{len(self.running)}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                args, cwd=BASE_DIR, env=self.env(**env), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        process.log = log
        self.running.append(process)
        return process

    def worker(self, mail_sink, **env):
        settings = {
            "DJANGO_TASKS_BACKEND": "database",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": mail_sink.port,
            "MAIL_RETRY_DELAY_SECONDS": 1,
            "MAIL_RETRY_MAX_DELAY_SECONDS": 2,
            **env,
        }
        args = [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
        args += ["--no-startup-delay", "--no-reload"]
        return self.start("db_worker", args, **settings)

    def gunicorn(self, port, **env):
        args = [sys.executable, "-m", "gunicorn", "landtagstalk.wsgi", "-c", "gunicorn.conf.py"]
        process = self.start(
            "gunicorn", args, GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=env.pop("workers", 2), **env,
        )
        wait_until(
            lambda: self.answers(port) or process.poll() is not None,
            timeout=30,
            message=f"gunicorn on port {port}",
        )
        assert process.poll() is None, self.output(process)
        return process

    @staticmethod
    def answers(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    @staticmethod
    def output(process):
        return process.log.read_text(errors="replace")

    @staticmethod
    def kill(process):
        """SIGKILL the process and everything it started (gunicorn's workers)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def kill_all(self):
        for process in self.running:
            self.kill(process)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected as for production (hashed names, compressed)."""
    root = tmp_path_factory.mktemp("static")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(60), DJANGO_STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, check=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    return root


@pytest.fixture
def processes(transactional_db, tmp_path, static_root):
    running = Processes(tmp_path, static_root)
    yield running
    running.kill_all()


class Browser:
    """A minimal HTTP client for a server on loopback, as if behind the TLS proxy.

    It keeps cookies itself: the app's cookies are Secure, and the proxy speaks HTTP
    to the app.
    """

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        import http.client

        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "de",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode(errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";")[0]
            return response.status, dict(response.getheaders()), content
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        """GET the form for its CSRF token and cookie, then POST it as a browser does."""
        from urllib.parse import urlencode

        status, _, page = self.get(path)
        assert status == 200, (status, page[:500])
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        body = urlencode({"csrfmiddlewaretoken": token, **fields})
        return self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://127.0.0.1:{self.port}",
                "Referer": f"https://127.0.0.1:{self.port}{path}",
            },
        )


def registration_form_path(event):
    """The contract's registration form, or a skip while this branch has none."""
    from django.urls import Resolver404, resolve

    path = f"/events/{event.slug}/register/"
    try:
        resolve(path)
    except Resolver404:
        pytest.skip(f"no registration form at {path} on this branch yet")
    return path


def registration_fields(number):
    return {
        "first_name": "Erika",
        "last_name": f"Mustermann {number}",
        "email": f"person{number}@example.org",
        "organisation": "Stadt Musterhausen",
        "question": "",
        "consent": "on",
    }
