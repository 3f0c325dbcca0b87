"""How `mast serve` runs MAST in production: gunicorn, with settings a 2-to-16-core server can use as they
are, each overridable from the environment (docs/deployment.md).

- workers: MAST_WEB_WORKERS, else 2 x cores + 1 (gunicorn's own advice for a synchronous app), at most 17;
- threads: 1 — MAST's requests are short and the database does the waiting;
- timeout: MAST_WEB_TIMEOUT seconds (60): a person page or a search takes well under a second, an upload is
  read as it streams; a worker stuck longer than this is restarted;
- max_requests 2000 with jitter: workers are recycled now and then, so a slow leak never grows;
- bound to MAST_BIND (127.0.0.1:8000, or a unix:/run/mast/mast.sock socket) behind nginx, which alone faces
  the network and terminates TLS.
"""

import os


def worker_count() -> int:
    configured = os.environ.get("MAST_WEB_WORKERS")
    if configured:
        return max(1, int(configured))
    return min(2 * (os.cpu_count() or 1) + 1, 17)


def options() -> dict:
    trusted = os.environ.get("MAST_TRUSTED_PROXIES", "127.0.0.1")
    return {
        "bind": os.environ.get("MAST_BIND", "127.0.0.1:8000"),
        "workers": worker_count(),
        "threads": 1,
        "timeout": int(os.environ.get("MAST_WEB_TIMEOUT", "60")),
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        # nginx passes the scheme; gunicorn believes it only from these addresses.
        "forwarded_allow_ips": ",".join(ip.split("/")[0] for ip in trusted.split(",") if ip.strip()),
        # One line per request, without the query string (it can carry a "next" address, never search terms:
        # searches are POSTed).
        "accesslog": "-",
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "errorlog": "-",
        "loglevel": os.environ.get("MAST_WEB_LOG_LEVEL", "info"),
        "proc_name": "mast",
        # The WSGI application is imported once, before forking: workers start fast and share memory.
        "preload_app": True,
    }
