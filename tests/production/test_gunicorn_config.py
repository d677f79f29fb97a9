"""gunicorn.conf.py as the units run it: two servers on one host, no control socket."""

from .conftest import Browser, free_port


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
