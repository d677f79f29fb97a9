"""gunicorn settings for LandtagsTalk: `gunicorn landtagstalk.wsgi -c gunicorn.conf.py`.

Every value can be set from the environment; see README.md, "Deployment".
"""

import multiprocessing
import os

# Where the TLS proxy reaches the app, and nobody else: loopback or a Unix socket
# (unix:/run/landtagstalk/gunicorn.sock). The app believes X-Forwarded-For from its peer
# (DJANGO_TRUSTED_PROXY_COUNT), so a client reaching gunicorn directly could pick the
# address the rate limit and the login lockout count. On another host than the proxy,
# bind to a private address and let the firewall admit the proxy only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: each request is short and mostly waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# No recycling by default: a worker restarting under load leaves its queued requests
# waiting for a fresh process (p99 of 500-600 ms every few seconds at 2,000 requests).
# Against a slow leak set GUNICORN_MAX_REQUESTS high (100000): the jitter of a tenth
# keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Logs to standard output and standard error, for journald or the container runtime.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address the proxy saw, not the proxy's own; tokens of personal links
# are cut out of the logged paths.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "landtagstalk.access_log.RedactingLogger"

# Addresses of the proxies whose X-Forwarded-Proto header gunicorn believes. Django reads
# the header itself (SECURE_PROXY_SSL_HEADER); the proxy must overwrite what clients send.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket (gunicorn 25.1+ opens one in $XDG_RUNTIME_DIR or $HOME/.gunicorn/ by
# default): two servers on one host would share its path, and under the unit's
# ProtectSystem=strict it cannot be created. Workers are managed with systemctl.
control_socket_disable = True

# Load the app before forking: workers share memory and start faster. Database
# connections are opened per worker after the fork.
preload_app = True
