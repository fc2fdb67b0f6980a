"""Real servers started by the tests themselves: a Redis server on a port of its own, a
PostgreSQL cluster of its own, and Celery worker processes reading the test database (or another
one). Fault tests stop, restart and kill them."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.db import connection
from kombu import pools as kombu_pools

from careteam.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class RedisServer:
    """redis-server on 127.0.0.1:<own port>, keeping nothing on disk."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=15, what=f"redis on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for(lambda: not self._answers(), timeout=10, what="redis to stop")


PG_BIN = Path(os.environ.get("CARETEAM_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresServer:
    """A PostgreSQL cluster of the test's own: initdb into a fresh directory, trust auth, on
    127.0.0.1:<own port> with its unix socket in that directory. PostgreSQL refuses to run as
    root, so under root (CI) the cluster belongs to the ``postgres`` user and its commands run
    through ``runuser``."""

    def __init__(self, *, owner: str = "postgres") -> None:
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.workdir = Path(tempfile.mkdtemp(prefix="careteam-pg-"))
        if self.as_root:
            account = pwd.getpwnam(owner)  # KeyError: no such user to own the cluster
            self.owner: str | None = owner
            os.chown(self.workdir, account.pw_uid, account.pw_gid)
        else:
            self.owner = None
        self.data = self.workdir / "data"
        self.logfile = self.workdir / "server.log"

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *command: str, timeout: float = 120) -> None:
        argv = [*(["runuser", "-u", self.owner, "--"] if self.owner else []), *command]
        result = subprocess.run(argv, cwd=self.workdir, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise AssertionError(f"{command[0]} failed:\n{result.stdout}{result.stderr}\n{log}")

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip

    def start(self, *settings: str) -> None:
        """``settings``: extra ``name=value`` server settings for this run only."""
        options = " ".join(
            [
                f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1",
                *(f"-c {s}" for s in settings),
            ]
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
            "-w", "-t", "90", "start",
        )  # fmt: skip
        wait_for(self.answers, timeout=30, what=f"postgres on port {self.port}")

    def stop(self, mode: str = "fast") -> None:
        """``fast``: sessions are ended and a checkpoint is written; ``immediate``: the server
        stops at once and replays its write-ahead log when started again, as after a crash."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "90", "stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def createdb(self, name: str) -> None:
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError):  # already down
                self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


class CeleryWorker:
    """One Celery worker process (solo pool) on its own queue, reading the test database (or
    ``database_url``)."""

    def __init__(
        self,
        *,
        broker_url: str,
        queue: str,
        logdir: Path,
        app: str = "careteam",
        database_url: str | None = None,
        **env: str,
    ) -> None:
        self.app = app
        self.database_url = database_url
        self.broker_url = broker_url
        self.queue = queue
        self.logdir = logdir
        self.extra_env = env
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            DATABASE_URL=self.database_url or database_url,
            REDIS_URL=self.broker_url,
            DEBUG="true",
            CARETEAM_NO_DOTENV="1",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            **self.extra_env,
        )
        return env

    @property
    def log(self) -> Path:
        return self.logdir / f"worker-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    self.app,
                    "worker",
                    "--pool=solo",
                    "--queues",
                    self.queue,
                    "--hostname",
                    f"{self.queue}-{self.starts}@%h",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._ready, timeout=60, what=f"celery worker (log: {self.log})")

    def _ready(self) -> bool:
        assert self.process is not None, "start() first"
        if self.process.poll() is not None:
            raise AssertionError(f"celery worker exited:\n{self.log.read_text()}")
        return "ready." in self.log.read_text()

    def poll(self) -> int | None:
        return self.process.poll() if self.process else None

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no acknowledgement of the task in hand."""
        assert self.process is not None, "start() first"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class GunicornServer:
    """The web app served as in the Dockerfile (gunicorn, sync workers, access log on) on
    127.0.0.1:<own port>, with the environment given."""

    def __init__(self, *, env: dict[str, str], logdir: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log = logdir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "careteam.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                    "--no-control-socket", "--access-logfile", "-",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(self._ready, timeout=60, what=f"gunicorn (log: {self.log})")

    def _ready(self) -> bool:
        assert self.process is not None, "start() first"
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log.read_text()}")
        return len(self.worker_pids()) == self.workers and _answers_http(self.port)

    def worker_pids(self) -> set[int]:
        """The worker processes now serving (children of the gunicorn master)."""
        assert self.process is not None, "start() first"
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _answers_http(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return sock.recv(16).startswith(b"HTTP/1.")
    except OSError:
        return False


class CeleryClientConfig:
    """Point this process's Celery app (the publishing side) at a broker and queue, then back."""

    def __init__(self, *, broker_url: str | None, queue: str) -> None:
        self.broker_url = broker_url
        self.queue = queue

    def _reset_pools(self) -> None:
        # Drop every cached broker connection (kombu keeps pools per URL, process-wide), so the
        # next publish connects afresh to whatever broker_url now says.
        kombu_pools.reset()
        celery_app._pool = None  # type: ignore[attr-defined]  # Celery keeps its pool private
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private in Celery too

    def __enter__(self) -> "CeleryClientConfig":
        conf = celery_app.conf
        self.saved = (conf.broker_url, conf.task_default_queue, conf.task_always_eager)
        # Settings.broker_url is a read-only property over the "broker_url" key (assigning the
        # attribute stores that key too).
        if self.broker_url:
            conf["broker_url"] = self.broker_url
        conf.task_default_queue = self.queue
        conf.task_always_eager = False
        self._reset_pools()
        return self

    def __exit__(self, *exc) -> None:
        conf = celery_app.conf
        conf["broker_url"], conf.task_default_queue, conf.task_always_eager = self.saved
        self._reset_pools()


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"
