"""The production server: gunicorn with ``gunicorn.conf.py`` and the production settings,
started here as ``make serve`` starts it (behind a proxy that says the request was HTTPS)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .services import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production settings on a scratch SQLite archive holding the seed, with static
    files collected into a scratch directory."""
    scratch = tmp_path_factory.mktemp("production")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
        "DATABASE_URL": f"sqlite:///{scratch / 'archive.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["load_seed"]):
        subprocess.run([*manage, *command, "-v0"], cwd=ROOT, env=env, check=True)
    return env, manage


def get(port, path):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (local)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start(env, port):
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return server


def wait_until_serving(server, port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def test_gunicorn_refuses_to_start_without_the_static_manifest(production):
    env, _manage = production
    env = {**env, "DJANGO_STATIC_ROOT": str(Path(env["DJANGO_STATIC_ROOT"]).with_name("none"))}
    server = start(env, free_port())
    output, _ = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "No static files manifest" in output
    assert "collectstatic" in output


def test_gunicorn_serves_pages_and_static_files_and_reloads_gracefully(production):
    env, manage = production
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = start(env, port)
    try:
        assert wait_until_serving(server, port), server.stdout.read()
        status, home = get(port, "/")
        assert status == 200
        assert b"New START" in home or b"statement" in home
        status, _quote = get(port, "/quotes/1/")
        assert status == 200
        stylesheet = next(
            part.split(b'"')[0].decode()
            for part in home.split(b'href="')
            if part.startswith(b"/static/commentary/site.")
        )
        assert stylesheet != "/static/commentary/site.css"  # hashed: the manifest is used
        status, css = get(port, stylesheet)
        assert status == 200 and b"{" in css
        assert get(port, "/no-such-page/")[0] == 404
        server.send_signal(signal.SIGHUP)  # graceful reload: new workers, same socket
        time.sleep(2)
        assert get(port, "/")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert '"GET / HTTP/1.1" 200' in output  # the access log, on standard output
    assert "Handling signal: hup" in output.lower() or "hang up" in output.lower()
