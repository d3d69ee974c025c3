"""gunicorn's settings for ``gunicorn web.wsgi`` run from the project root (README "Operations").

The busy pages are bounded by the CPU their templates take (benchmarks/bench_pages_load.py), so
sync workers, about two per core: more workers than that only queue requests on the same cores.
Every value can be overridden on the command line or with GUNICORN_* environment variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# A request that takes longer than this is a bug (nothing in a request waits on the broker, and the
# database answers or fails within its timeouts): the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Workers are replaced now and then, so that memory a request left behind is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = "-"
