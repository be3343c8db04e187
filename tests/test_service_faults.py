"""The production server (gunicorn, production settings) when the machinery under it fails:
a PostgreSQL server of the test's own stopped, frozen (every process SIGSTOPped: open
connections that never answer), or killing a connection in the middle of an editor's save;
a Redis server stopped. Each time: 503 with ``Retry-After`` (JSON under ``/api/``) or an
uncached page, never a 500 or a hung worker; and the site recovers by itself."""

import http.client
import json
import re
import threading
import time

import pytest

from .forms import form_data
from .services import Redis, free_port, on_postgres_run
from .test_page_cache_servers import Browser
from .test_serving import start, wait_until_serving

pytestmark = on_postgres_run

WAIT_LIMIT = 3  # DJANGO_DB_WAIT_LIMIT for these servers, seconds
CONNECT_TIMEOUT = 2


def fetch(port, path, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    began = time.monotonic()
    connection.request("GET", path, headers=dict(headers))
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body, time.monotonic() - began


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.process = start(env, self.port)
        assert wait_until_serving(self.process, self.port)
        self.output = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.process.stdout:
            self.output.append(line)

    def log(self):
        return "".join(self.output)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)


@pytest.fixture(scope="module")
def faults(postgres_cluster):
    url = postgres_cluster.database("faults")
    env = postgres_cluster.env(
        url,
        DJANGO_PAGE_CACHE_SECONDS="0",  # every request reaches the database
        DJANGO_DB_WAIT_LIMIT=str(WAIT_LIMIT),
        DJANGO_DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        DJANGO_CONN_MAX_AGE="600",  # persistent connections, which go stale
    )
    server = Server(env)
    yield postgres_cluster.server, server
    server.stop()


def recovered(port, path="/quotes/", within=20):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if fetch(port, path)[0] == 200:
            return True
        time.sleep(0.5)
    return False


def assert_unavailable_page(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "Temporarily unavailable" in page
    assert "暂时无法访问" in page
    assert "Traceback" not in page and "Server Error" not in page


def assert_unavailable_json(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Content-Type"] == "application/json"
    assert "database" in json.loads(body)["detail"]


def warm(port):
    """Every worker holds a database connection: the ones a failure leaves stale."""
    for _ in range(6):
        assert fetch(port, "/quotes/")[0] == 200
        assert fetch(port, "/api/quotes/")[0] == 200


def test_a_stopped_database_answers_503_and_the_site_recovers_without_a_restart(faults):
    postgres, server = faults
    warm(server.port)
    assert fetch(server.port, "/readyz")[0] == 200
    postgres.stop()
    try:
        for path in ("/", "/quotes/", "/quotes/1/", "/zh-hans/quotes/", "/experts/"):
            status, headers, body, seconds = fetch(server.port, path)
            assert_unavailable_page(status, headers, body)
            assert seconds < CONNECT_TIMEOUT + 2
        for path in ("/api/quotes/", "/api/experts/", "/api/quotes/1/"):
            assert_unavailable_json(*fetch(server.port, path)[:3])
        status, _headers, body, _seconds = fetch(server.port, "/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, _headers, body, _seconds = fetch(server.port, "/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["database"].startswith("unreachable")
    finally:
        postgres.start()
    assert recovered(server.port, within=10)
    warm(server.port)  # both workers: their stale connections were dropped
    assert fetch(server.port, "/readyz")[0] == 200
    log = server.log()
    assert "database unavailable: GET /quotes/" in log
    assert "Traceback" not in log


def test_a_frozen_database_fails_requests_within_the_wait_limit_and_heals(faults):
    postgres, server = faults
    warm(server.port)
    answers = []

    def ask(path):
        answers.append((path, *fetch(server.port, path)))

    postgres.freeze()
    began = time.monotonic()
    try:
        # More requests than workers: none waits for gunicorn to kill a worker (30 s).
        askers = [
            threading.Thread(target=ask, args=(path,))
            for path in ("/quotes/", "/experts/", "/api/quotes/", "/quotes/?kind=direct")
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join(timeout=60)
        elapsed = time.monotonic() - began
        health = fetch(server.port, "/healthz")
        ready = fetch(server.port, "/readyz")
    finally:
        postgres.thaw()
    assert len(answers) == 4
    for path, status, headers, body, seconds in answers:
        if path.startswith("/api/"):
            assert_unavailable_json(status, headers, body)
        else:
            assert_unavailable_page(status, headers, body)
        # The watchdog's limit and a new connection's timeout, one worker after another.
        assert seconds < 2 * (WAIT_LIMIT + CONNECT_TIMEOUT) + 3, (path, seconds)
    assert elapsed < 25  # gunicorn's worker timeout is 30 s: no worker was killed
    assert health[0] == 200
    assert ready[0] == 503
    assert recovered(server.port, within=10)
    warm(server.port)
    log = server.log()
    assert "connection cut (DATABASE_WAIT_LIMIT)" in log
    assert "WORKER TIMEOUT" not in log


def text_of(postgres, pk):
    return postgres.sql("SELECT text FROM commentary_quote WHERE id = %s", "faults", [pk])


def test_a_save_cut_off_by_the_database_leaves_the_statement_as_it_was(faults):
    """The connection dies after the statement's row was updated and before the save's
    last write (the admin's log entry): one transaction, so nothing of it stays."""
    postgres, server = faults
    database = "faults"
    quote = postgres.sql(
        "SELECT id, text FROM commentary_quote WHERE status = 'published' ORDER BY id LIMIT 1",
        database,
    )[0]
    versions = postgres.sql("SELECT count(*) FROM reversion_version", database)[0][0]
    editor = Browser(server.port)
    editor.login()
    change = f"/admin/commentary/quote/{quote[0]}/change/"
    _response, page = editor.get(change)
    data = form_data(page.decode(), "quote_form", text=quote[1] + " (edited)")
    postgres.sql(
        """
        CREATE FUNCTION cut_off() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
        CREATE TRIGGER cut_off BEFORE INSERT ON django_admin_log
        FOR EACH ROW EXECUTE FUNCTION cut_off();
        """,
        database,
    )
    try:
        response, body = editor.request("POST", change, form=data)
    finally:
        postgres.sql("DROP TRIGGER cut_off ON django_admin_log", database)
    assert response.status == 503
    assert "Temporarily unavailable" in body.decode()
    assert text_of(postgres, quote[0]) == [(quote[1],)]
    assert postgres.sql("SELECT count(*) FROM reversion_version", database)[0][0] == versions
    # The same form again, once the database is well: saved whole.
    response, _body = editor.request("POST", change, form=data)
    assert response.status == 302
    assert text_of(postgres, quote[0]) == [(quote[1] + " (edited)",)]
    assert postgres.sql("SELECT count(*) FROM reversion_version", database)[0][0] > versions


def test_redis_away_pages_and_the_api_are_served_uncached(postgres_cluster):
    redis = Redis()
    env = postgres_cluster.env(postgres_cluster.database("no-cache"), DJANGO_REDIS_URL=redis.url)
    server = Server(env)
    try:
        assert fetch(server.port, "/quotes/")[0] == 200
        assert fetch(server.port, "/quotes/")[1]["X-Page-Cache"] == "hit"
        redis.stop()
        for path in ("/", "/quotes/", "/quotes/?q=%E6%A0%B8", "/experts/", "/quotes/1/"):
            status, headers, body, _seconds = fetch(server.port, path)
            assert status == 200, path
            assert headers.get("X-Page-Cache") != "hit"
            assert re.search(rb"<main", body)
        for path in ("/api/quotes/", "/api/experts/"):
            status, headers, body, _seconds = fetch(server.port, path)
            assert status == 200 and "results" in json.loads(body)
        status, _headers, body, _seconds = fetch(server.port, "/readyz")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["database"] == "ok" and checks["cache"].startswith("unreachable")
        assert fetch(server.port, "/healthz")[0] == 200
    finally:
        server.stop()
    assert "cache unreachable" in server.log()  # logged as warnings, not errors
