"""Real servers the tests start for themselves, once per test run: Redis, for the page
cache shared by several machines. Missing under ``CI=true`` is a failure, not a skip."""

import os
import shutil
import socket
import subprocess
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
