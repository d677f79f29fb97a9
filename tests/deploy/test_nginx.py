"""deploy/nginx-landtagstalk.conf loads in Debian 12's nginx (`nginx -t` on a throwaway tree
with a throwaway certificate) and lets through every upload the app allows."""

import http.client
import re
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from events.admin import DocumentFormSet
from events.images import MAX_BYTES as PHOTO_MAX_BYTES
from events.models import DOCUMENT_MAX_SIZE
from registrations.attendance import MAX_SIZE as ZOOM_REPORT_MAX_BYTES
from tests.production.conftest import Processes, free_port, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]
SNIPPET = BASE_DIR / "deploy/nginx-landtagstalk.conf"
CERTIFICATE = "/etc/letsencrypt/live/veranstaltungen.example.org/fullchain.pem"
KEY = "/etc/letsencrypt/live/veranstaltungen.example.org/privkey.pem"
UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def nginx():
    for name in ("nginx", "/usr/sbin/nginx"):
        if found := shutil.which(name):
            return found
    pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")


def throwaway_tree(tmp_path, snippet_text):
    """nginx.conf with the snippet inside its http block, certificate and logs in tmp_path."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=veranstaltungen.example.org",
         "-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
        check=True, capture_output=True, timeout=60,
    )
    (tmp_path / "logs").mkdir()
    site = (
        snippet_text.replace(CERTIFICATE, str(tmp_path / "fullchain.pem"))
        .replace(KEY, str(tmp_path / "privkey.pem"))
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
    )
    (tmp_path / "landtagstalk.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/logs/error.log;\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log {tmp_path}/logs/access.log;\n"
        f"    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n"
        f"    include {tmp_path}/landtagstalk.conf;\n"
        "}\n",
        encoding="utf-8",
    )
    return tmp_path / "nginx.conf"


def nginx_test(tmp_path, snippet_text):
    config = throwaway_tree(tmp_path, snippet_text)
    return subprocess.run(
        [nginx(), "-t", "-q", "-c", config, "-p", tmp_path, "-e", tmp_path / "logs/error.log"],
        capture_output=True, text=True, timeout=60,
    )


def test_snippet_loads_in_this_nginx(tmp_path):
    result = nginx_test(tmp_path, SNIPPET.read_text(encoding="utf-8"))

    assert result.returncode == 0, result.stderr


def test_nginx_test_refuses_a_directive_debian_12_does_not_know(tmp_path):
    broken = SNIPPET.read_text(encoding="utf-8").replace(
        "server_name veranstaltungen.example.org;\n\n    ssl_",
        "server_name veranstaltungen.example.org;\n    http2 on;\n\n    ssl_",
    )
    assert "http2 on;" in broken

    result = nginx_test(tmp_path, broken)

    assert result.returncode != 0
    assert 'unknown directive "http2"' in result.stderr


def test_upload_limit_is_above_what_the_app_allows():
    (limit,) = re.findall(r"^\s*client_max_body_size\s+(\d+)([kmg]?);", SNIPPET.read_text(),
                          flags=re.MULTILINE)
    limit_bytes = int(limit[0]) * UNITS.get(limit[1], 1)

    largest_save = DocumentFormSet.extra * DOCUMENT_MAX_SIZE
    assert limit_bytes > largest_save > max(PHOTO_MAX_BYTES, ZOOM_REPORT_MAX_BYTES)
    too_large_page = SNIPPET.read_text().split("location @landtagstalk_too_large", 1)[1]
    assert "Die Datei ist zu groß" in too_large_page
    assert f"bis {DOCUMENT_MAX_SIZE // 1024**2} MB je Datei" in too_large_page


def test_running_nginx_answers_too_large_in_german_and_logs_no_token(tmp_path):
    http_port, https_port, no_app = free_port(), free_port(), free_port()
    snippet = (
        SNIPPET.read_text(encoding="utf-8")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{no_app};")
    )
    snippet = re.sub(r"^\s*listen \[::\].*$", "", snippet, flags=re.MULTILINE)
    config = throwaway_tree(tmp_path, snippet)
    server = subprocess.Popen(
        [nginx(), "-c", config, "-p", tmp_path, "-e", tmp_path / "logs/error.log",
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: Processes.answers(https_port), timeout=10, message="nginx")
        tls = ssl._create_unverified_context()

        upload = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
        upload.putrequest("POST", "/admin/events/event/1/documentation/", skip_host=True)
        upload.putheader("Host", "veranstaltungen.example.org")
        upload.putheader("Content-Length", str(51 * 1024**2))
        upload.endheaders()
        too_large = upload.getresponse()
        page = too_large.read().decode()
        upload.close()

        for path in ("/r/s3cret-token/typo/", "/admin/set-password/MQ/s3cret-token/"):
            visit = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
            visit.request("GET", path, headers={"Host": "veranstaltungen.example.org"})
            answer = visit.getresponse()
            answer.read()
            visit.close()
            assert answer.status == 502  # no app behind it in this test
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert too_large.status == 413
    assert too_large.getheader("Content-Type") == "text/html; charset=utf-8"
    assert '<html lang="de">' in page and "Die Datei ist zu groß" in page
    log = (tmp_path / "logs/landtagstalk.access.log").read_text(encoding="utf-8")
    assert '"GET /r/.../typo/" 502' in log
    assert '"GET /admin/set-password/MQ/.../" 502' in log
    assert "s3cret" not in log
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d 127\.0\.0\.1 ", log)
