"""Example gunicorn configuration for one 议协 app server (see deploy/README.md).

    gunicorn yixie.wsgi:application -c /etc/yixie/gunicorn.conf.py

Every app server behind the load balancer runs the same file and the same environment
(deploy/yixie.env.example); nothing in it is specific to one server but the bind address.
"""

import multiprocessing
import os

# Where the load balancer reaches this server. Bind to the private interface, never the public one.
bind = os.environ.get("YIXIE_BIND", "127.0.0.1:8000")

# Sync workers, one request at a time each: the pages are CPU-bound Python (templates, Excel, the
# overlap check), so processes, not threads, use the cores. 2 × cores + 1 is gunicorn's rule of thumb;
# measure with bench/load/run.sh (LOAD_WORKERS=…) on the real machine.
workers = int(os.environ.get("YIXIE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# An export of a whole province's ledger or an import upload may take a while; the load balancer's
# proxy timeout (nginx: proxy_read_timeout) must be at least as long.
timeout = int(os.environ.get("YIXIE_WORKER_TIMEOUT", "120"))
graceful_timeout = 60
keepalive = 5

# Request line and header limits. gunicorn refuses a request over them itself, with English plain text
# ("Request Line is too large"), before Django can answer in Chinese; so they are set at gunicorn's maximum,
# and the proxy in front refuses anything larger first with a Chinese page (deploy/nginx.conf.example:
# large_client_header_buffers, error_page). A long ledger filter URL fits well inside 8190 bytes. The
# request body is limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE: a Chinese 413 page) and by the proxy
# (client_max_body_size), not here.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Workers are not recycled (max_requests). Imports and other long work run in job workers
# (`yixie qcluster`, docs/decisions/0009), not here.
max_requests = 0

# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto so Django sees https (CSRF Origin
# check, secure redirects). List the load balancer's address(es) here, comma-separated.
forwarded_allow_ips = os.environ.get("YIXIE_PROXY_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Access log with the server time in microseconds (%(D)s), to compare with the proxy's.
accesslog = os.environ.get("YIXIE_ACCESS_LOG", "-")
errorlog = os.environ.get("YIXIE_ERROR_LOG", "-")
loglevel = os.environ.get("YIXIE_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# Workers' heartbeat files in memory: on a slow or network /tmp gunicorn may think workers hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


# Each worker keeps its own overlap indexes (docs/decisions/0008): build those of the regions with an
# application under review in a background thread as the worker starts. YIXIE_OVERLAP_WARM=0 turns it off.
def post_worker_init(worker):
    if os.environ.get("YIXIE_OVERLAP_WARM", "1") != "0":
        from yixie.approvals.warmup import start_in_background

        start_in_background()
