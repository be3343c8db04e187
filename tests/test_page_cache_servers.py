"""The page cache across server processes: two gunicorn servers on one archive and one
shared cache (the default files on one machine, and a real Redis server as for several
machines). A publisher withdraws and republishes a statement through the admin of one;
the very next request to the other shows it."""

import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.parse
from http.cookies import SimpleCookie

import pytest

from .services import free_port
from .test_serving import ROOT, start, wait_until_serving

PASSWORD = "a long publisher password"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A scratch SQLite archive holding the seed and a superuser."""
    scratch = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        # One key for every worker (debug's throwaway key differs per process).
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{scratch / 'archive.sqlite3'}",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    env.pop("DJANGO_REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput"],
        ["load_seed"],
        ["createsuperuser", "--noinput", "--username", "publisher", "--email", "p@example.org"],
    ):
        subprocess.run([*manage, *command, "-v0"], cwd=ROOT, env=env, check=True)
    quote = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from commentary.models import Quote; "
            "print(Quote.objects.published().newest_first().first().pk)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    return env, scratch, int(quote)


class Browser:
    """Requests to one server with the cookies it set (by hand: the test servers are plain
    HTTP and their cookies name no domain)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.coded_value
        connection.close()
        return response, content

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def login(self):
        _response, page = self.get("/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            form={
                "username": "publisher",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.decode(),
                "next": "/admin/",
            },
        )
        assert response.status == 302, "login refused"
        assert "sessionid" in self.cookies

    def run_action(self, action, pk):
        _response, page = self.get("/admin/commentary/quote/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        # The checkbox says which version of the row was listed (django-concurrency).
        selected = re.search(rf'name="_selected_action" value="({pk},\d+)"'.encode(), page)
        response, _ = self.request(
            "POST",
            "/admin/commentary/quote/",
            form={
                "action": action,
                "_selected_action": [selected.group(1)],
                "index": "0",
                "csrfmiddlewaretoken": token.decode(),
            },
        )
        assert response.status == 302, f"{action} refused"
        location = urllib.parse.urljoin("/admin/commentary/quote/", response.headers["Location"])
        _response, listing = self.get(location)
        messages = re.findall(rb'<li class="([a-z]+)">([^<]*)</li>', listing)
        assert messages and all(kind == b"success" for kind, _ in messages), messages


@pytest.fixture(params=["files", "redis"])
def two_servers(request, archive):
    env, scratch, quote = archive
    env = dict(env)
    if request.param == "redis":
        env["DJANGO_REDIS_URL"] = request.getfixturevalue("redis_server").url
    else:
        env["DJANGO_CACHE_DIR"] = str(scratch / f"cache-{request.node.name}")
    servers = []
    for _ in range(2):
        port = free_port()
        server = start(env, port)
        servers.append((server, port))
    try:
        for server, port in servers:
            assert wait_until_serving(server, port), server.stdout.read()
        yield [Browser(port) for _server, port in servers], quote
    finally:
        for server, _port in servers:
            server.terminate()
            server.communicate(timeout=60)


def test_a_publish_through_one_server_is_on_the_next_request_to_the_other(two_servers):
    (editor_side, reader_side), quote = two_servers
    page = f"/quotes/{quote}/"
    api = f"/api/quotes/{quote}/"
    for path in (page, "/quotes/", api):
        first, _ = reader_side.get(path)
        second, _ = reader_side.get(path)
        assert first.status == second.status == 200
        assert second.headers["X-Page-Cache"] == "hit", path
    _listed, listing = reader_side.get("/quotes/")
    assert f'href="{page}"'.encode() in listing

    editor_side.login()
    editor_side.run_action("make_withdrawn", quote)
    withdrawn, _ = reader_side.get(page)
    assert withdrawn.status == 410
    from_api, _ = reader_side.get(api)
    assert from_api.status in (404, 410)
    _listed, listing = reader_side.get("/quotes/")
    assert f'href="{page}"'.encode() not in listing

    editor_side.run_action("make_published", quote)
    republished, _body = reader_side.get(page)
    assert republished.status == 200
    assert republished.headers["X-Page-Cache"] == "miss"
    again, _ = reader_side.get(page, headers={"If-None-Match": republished.headers["ETag"]})
    assert again.status == 304
    detail, data = reader_side.get(api)
    assert detail.status == 200 and json.loads(data)


def test_the_editor_side_is_never_cached_or_shared(two_servers):
    (editor_side, reader_side), quote = two_servers
    editor_side.login()
    response, _ = editor_side.get(f"/quotes/{quote}/")
    assert response.status == 200
    assert response.headers["X-Page-Cache"] is None
    assert "private" in response.headers["Cache-Control"]
    first, _ = reader_side.get(f"/quotes/{quote}/")
    assert first.headers["X-Page-Cache"] == "miss"
