"""gunicorn.conf.py as the units run it: two servers on one host, no control socket."""

import re
import sys

from .conftest import BASE_DIR, Browser, free_port, wait_until


def test_two_servers_on_one_host_open_no_control_socket(processes, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    ports = [free_port(), free_port()]

    servers = [processes.gunicorn(port, workers=1, HOME=home, XDG_RUNTIME_DIR="") for port in ports]

    for port in ports:
        assert Browser(port).get("/healthz")[0] == 200
    assert list(home.iterdir()) == []
    for server in servers:
        assert server.poll() is None
        assert "control" not in processes.output(server).lower()


def test_template_unit_binds_the_port_of_its_instance_over_gunicorn_bind(processes):
    unit = (BASE_DIR / "deploy/systemd/landtagstalk-web@.service").read_text(encoding="utf-8")
    (exec_start,) = re.findall(r"^ExecStart=\S+/gunicorn (.*)$", unit, flags=re.MULTILINE)
    port, elsewhere = free_port(), free_port()

    server = processes.start(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", *exec_start.replace("%i", str(port)).split()],
        GUNICORN_BIND=f"127.0.0.1:{elsewhere}", GUNICORN_WORKERS=1,
    )

    wait_until(lambda: processes.answers(port) or server.poll() is not None, timeout=30,
               message="gunicorn on the instance's port")
    assert Browser(port).get("/healthz")[0] == 200
    assert not processes.answers(elsewhere)
