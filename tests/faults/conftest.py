"""Throwaway servers for fault tests: a PostgreSQL cluster and a Redis of their own, on their own ports,
so that stopping them never touches the machine's servers or another test's."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.celery_fixtures import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"not ready within {timeout} s")


def http_get(url: str, timeout: float = 10.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


class PostgresCluster:
    """initdb + pg_ctl from /usr/lib/postgresql/*/bin, run as the postgres user when we are root."""

    def __init__(self, directory: Path) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not versions:
            pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql")
        self.bin = versions[-1]
        self.data = directory / "pgdata"
        self.port = free_port()
        self.log = directory / "pg.log"
        self.runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        directory.mkdir(parents=True, exist_ok=True)
        if self.runas:
            shutil.chown(directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.runas, str(self.bin / tool), *args], check=True, capture_output=True, timeout=120
        )

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", *args)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    @property
    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def postgres_cluster():
    # Not under pytest's tmp_path: the postgres user cannot enter root's private pytest directory.
    directory = Path(tempfile.mkdtemp(prefix="tcvn-pg-fault-"))
    cluster = PostgresCluster(directory)
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(directory, ignore_errors=True)


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server, loopback only
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).stdout.strip()
                == b"PONG"
            )
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Gunicorn:
    """The portal under gunicorn with the given environment, on a loopback port; `workers=None` leaves
    the number to a config file given in `extra` (`-c docker/gunicorn.conf.py`)."""

    def __init__(
        self, env: dict[str, str], log: Path, workers: int | None = 1, extra: tuple[str, ...] = ()
    ) -> None:
        self.port = free_port()
        self.log = log
        ours = ("DJANGO_", "DATABASE_", "REDIS_", "TCVN_", "CELERY_")
        base = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        self.env = {**base, **env}
        self.workers = workers
        self.extra = extra
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tcvn_portal.wsgi",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    *(("-w", str(self.workers), "--timeout", "60") if self.workers else ()),
                    *self.extra,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: self._up(), timeout=60)

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(self.log.read_text()[-3000:])
        try:
            http_get(self.url("/healthz"), timeout=2)
            return True
        except OSError:
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


# --- A Celery worker of our own: its broker, queues, pool and task limits set by the test ------------

_FAULT_WORKER_SCRIPT = """
import json
import os

import django
from django.conf import settings

settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = os.environ["TCVN_TEST_EMAIL_DIR"]
django.setup()
import weasyprint  # noqa: E402

# The test hook for an overlong render: every PDF takes this many seconds more (WeasyPrint's own entry).
_slow = float(os.environ.get("TCVN_FAULT_SLOW_PDF", "0"))
if _slow:
    import time

    _write_pdf = weasyprint.HTML.write_pdf

    def _slow_write_pdf(self, *args, **kwargs):
        if os.environ.get("TCVN_FAULT_DEAF_PDF"):
            # Deaf to the soft limit, as a render stuck in C code that never returns to Python would be:
            # its signal waits, blocked, and only the hard limit's kill ends the render.
            import signal

            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        time.sleep(_slow)
        return _write_pdf(self, *args, **kwargs)

    weasyprint.HTML.write_pdf = _slow_write_pdf

from tcvn_portal.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options, **json.loads(os.environ["TCVN_FAULT_TRANSPORT"])
}
app.worker_main(["worker", *json.loads(os.environ["TCVN_FAULT_WORKER_ARGS"]), "--loglevel=INFO",
                 "--without-mingle", "--without-gossip", "--without-heartbeat",
                 "--hostname=tcvn-fault-%h-" + str(os.getpid())])
"""


class FaultWorker(WorkerProcess):
    """`celery worker` in a process of its own, like tests/celery_fixtures.WorkerProcess, with:
    `redis_url` (broker and cache; the test's Redis by default), `pool` ("solo" or "prefork": only prefork
    enforces time limits), `queues`, and `transport` options merged into the broker's (e.g. a short
    visibility_timeout, so that a killed worker's task is handed out again within seconds);
    `slow_pdf` seconds added to every PDF render, `deaf_pdf` to make that render deaf to the soft limit."""

    def __init__(
        self,
        directory: Path,
        *,
        redis_url: str | None = None,
        pool: str = "solo",
        queues: str = "celery,reports",
        transport: dict | None = None,
        slow_pdf: float = 0,
        deaf_pdf: bool = False,
    ) -> None:
        super().__init__(directory)
        self.redis_url = redis_url
        self.args = [f"--pool={pool}", "--concurrency=1", f"--queues={queues}"]
        self.transport = transport or {}
        self.slow_pdf = slow_pdf
        self.deaf_pdf = deaf_pdf

    def start(self, *, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "TCVN_TEST_EMAIL_DIR": str(self.email_dir),
            "PYTHONUNBUFFERED": "1",
            "TCVN_FAULT_WORKER_ARGS": json.dumps(self.args),
            "TCVN_FAULT_TRANSPORT": json.dumps(self.transport),
            "TCVN_FAULT_SLOW_PDF": str(self.slow_pdf),
            "TCVN_FAULT_DEAF_PDF": "1" if self.deaf_pdf else "",
        }
        env.setdefault("DJANGO_SETTINGS_MODULE", "tcvn_portal.settings.test")
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and script
                [sys.executable, "-c", _FAULT_WORKER_SCRIPT],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log_path.read_text()[offset:]}")
            return b" ready." in self.log_path.read_bytes()[offset:]

        wait_for(ready, timeout=timeout, interval=0.1)


@pytest.fixture
def fault_workers(transactional_db, tmp_path):
    """Makes FaultWorkers: `fault_workers(name, **options)`; each still running is stopped at the end."""
    from tcvn_portal.celery import app

    app.control.purge()
    made: list[FaultWorker] = []

    def make(name: str = "worker", **options) -> FaultWorker:
        worker = FaultWorker(tmp_path / name, **options)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()


# --- Talking to a portal under gunicorn as a browser would: cookies and the CSRF token -------------


class Browser:
    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)  # noqa: S310
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return (
            response.status if hasattr(response, "status") else response.code,
            response.read().decode(errors="replace"),
            dict(response.headers),
        )

    def get(self, path: str) -> tuple[int, str, dict]:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
