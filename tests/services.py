"""Real servers the tests start for themselves: Redis, for the page cache shared by several
machines (once per test run), and PostgreSQL servers of their own (for the tests that stop,
freeze, replicate, back up and restore a database: never the one the suite runs on).
Missing under ``CI=true`` is a failure, not a skip."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing(what, install):
    message = f"{what} not found (Debian: apt-get install {install})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true, so this is a failure")
    pytest.skip(message)


class Redis:
    """A throwaway ``redis-server`` on 127.0.0.1, nothing saved to disk."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server", "redis-server")
        self.directory = tempfile.mkdtemp(prefix="archive-redis-")
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.wait()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def wait(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server():
    server = Redis()
    yield server
    server.stop()


def postgres_binary(name):
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        missing(f"PostgreSQL's {name}", "postgresql")
    return found


class Postgres:
    """A throwaway PostgreSQL server on 127.0.0.1 (TCP, so that a frozen server leaves its
    clients' connections open and silent, as a lost network would), trust authentication,
    in a temporary directory removed by ``remove()``. As root, it runs as ``postgres``.

    ``Postgres.replica_of(primary)`` is a streaming replica: ``pg_basebackup -R``."""

    def __init__(self, directory=None, port=None):
        self.port = port or free_port()
        self.directory = directory or tempfile.mkdtemp(prefix="archive-pg-")
        self.data = os.path.join(self.directory, "data")
        self.log = os.path.join(self.directory, "server.log")
        self.as_owner = []
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @classmethod
    def fresh(cls):
        server = cls()
        server.run(
            postgres_binary("initdb"),
            "-D",
            server.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        server.start()
        return server

    @classmethod
    def replica_of(cls, primary):
        server = cls()
        server.run(
            postgres_binary("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            server.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        )
        server.start()
        return server

    def run(self, *command):
        subprocess.run(
            [*self.as_owner, *command], check=True, capture_output=True, cwd=self.directory
        )

    def start(self):
        self.run(
            postgres_binary("pg_ctl"),
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.directory} -c fsync=off",
            "start",
        )

    def stop(self, mode="fast"):
        self.run(postgres_binary("pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop")

    def processes(self):
        """The postmaster's process id and those of its children."""
        with open(os.path.join(self.data, "postmaster.pid")) as pidfile:
            postmaster = int(pidfile.readline())
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self):
        """Every process of the server stopped (SIGSTOP): connections stay open, unanswered."""
        self.frozen = self.processes()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in self.frozen:
            os.kill(pid, signal.SIGCONT)

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement, database="postgres", params=None):
        """Run one statement in autocommit; its rows."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def remove(self):
        try:
            if getattr(self, "frozen", None):
                self.thaw()
            self.stop(mode="immediate")
        except (subprocess.CalledProcessError, OSError):
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPERUSER_PASSWORD = "a long publisher password"

# The tests that stop, freeze or replicate a PostgreSQL server of their own run once, in
# the suite's PostgreSQL run (their servers are their own, whatever the suite runs on).
on_postgres_run = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL run of the suite (it starts its own servers)",
)


def manage(env, *command):
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{result.stderr[-3000:]}")


def archive_env(database_url, **extra):
    """The production settings on ``database_url``, for a server or a command."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DJANGO_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
        **extra,
    }


class Cluster:
    """A PostgreSQL server of the tests' own with a template database holding the seed
    collection and a superuser "publisher": ``database(name)`` copies it in a second."""

    def __init__(self):
        self.server = Postgres.fresh()
        self.static = tempfile.mkdtemp(prefix="archive-static-")
        self.server.sql("CREATE DATABASE archive_template")
        env = self.env(self.server.url("archive_template"))
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_seed", "-v0")
        manage(
            env,
            "createsuperuser",
            "--noinput",
            "--username",
            "publisher",
            "--email",
            "p@example.org",
        )

    def env(self, database_url, **extra):
        return archive_env(
            database_url,
            DJANGO_STATIC_ROOT=self.static,
            # Each database its own cache: pages and facets cached from one are not another's.
            DJANGO_CACHE_DIR=f"{self.static}-cache-{database_url.rsplit('/', 1)[-1]}",
            **extra,
        )

    def database(self, name):
        self.server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.server.sql(f'CREATE DATABASE "{name}" TEMPLATE archive_template')
        return self.server.url(name)


@pytest.fixture(scope="session")
def postgres_cluster():
    cluster = Cluster()
    yield cluster
    cluster.server.remove()
    shutil.rmtree(cluster.static, ignore_errors=True)
    for directory in glob.glob(cluster.static + "-cache-*"):
        shutil.rmtree(directory, ignore_errors=True)
