"""Read replicas: a real streaming replica (``pg_basebackup -R``) of a PostgreSQL server of
the test's own, behind the production server. Anonymous reads come from the replica, an
editor reads their own writes at once, and a replica lagging too far or stopped is left
for the primary without an error."""

import re
import time

import pytest
from django.db import router

from commentary.models import Quote
from commentary.service import replicas

from .forms import form_data
from .services import Postgres, on_postgres_run
from .test_page_cache_servers import Browser
from .test_service_faults import Server, fetch

MAX_LAG = 6  # DJANGO_REPLICA_MAX_LAG for this server, seconds
DATABASE = "replicated"


def test_the_router_writes_and_migrates_only_on_the_primary():
    assert router.db_for_write(Quote) == "default"
    assert router.db_for_read(Quote) == "default"  # outside a request: the primary
    token = replicas._reading_from.set("replica_1")
    try:
        assert router.db_for_read(Quote) == "replica_1"
        assert router.db_for_write(Quote) == "default"
    finally:
        replicas._reading_from.reset(token)
    assert router.allow_migrate("default", "commentary")
    assert not router.allow_migrate("replica_1", "commentary")


@pytest.fixture(scope="module")
def replicated(postgres_cluster):
    primary = postgres_cluster.server
    url = postgres_cluster.database(DATABASE)
    replica = Postgres.replica_of(primary)
    env = postgres_cluster.env(
        url,
        DATABASE_REPLICA_URLS=replica.url(DATABASE),
        DJANGO_REPLICA_MAX_LAG=str(MAX_LAG),
        DJANGO_REPLICA_CHECK_SECONDS="0.2",
        DJANGO_PAGE_CACHE_SECONDS="0",
        DJANGO_CONN_MAX_AGE="600",
        GUNICORN_WORKERS="1",
    )
    caught_up(primary, replica)
    server = Server({**env, "GUNICORN_WORKERS": "1"})
    yield primary, replica, server
    server.stop()
    replica.remove()


def caught_up(primary, replica, within=30):
    """Wait until the replica has replayed everything the primary wrote so far."""
    target = primary.sql("SELECT pg_current_wal_lsn()")[0][0]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def connections_to(server):
    return server.sql(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        params=[DATABASE],
    )[0][0]


def text_on_page(port, path, cookies=None):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    status, _headers, body, _seconds = fetch(port, path, headers)
    assert status == 200, (path, status)
    return body.decode()


@on_postgres_run
def test_anonymous_reads_come_from_the_replica_and_an_editor_reads_their_own_writes(
    replicated,
):
    primary, replica, server = replicated
    pk, text = primary.sql(
        "SELECT id, text FROM commentary_quote WHERE status = 'published' ORDER BY id LIMIT 1",
        DATABASE,
    )[0]
    page = f"/quotes/{pk}/"
    for path in (page, "/quotes/", "/experts/", "/api/quotes/"):
        text_on_page(server.port, path)
    assert connections_to(replica) >= 1
    # Anonymous reads never touched the primary.
    assert connections_to(primary) == 0, primary.sql(
        "SELECT query FROM pg_stat_activity WHERE datname = %s", params=[DATABASE]
    )

    editor = Browser(server.port)
    editor.login()
    assert "archive_primary" in editor.cookies  # the login was a write: pinned
    change = f"/admin/commentary/quote/{pk}/change/"
    _response, form = editor.get(change)
    edited = text + " [edited while the replica waits]"
    data = form_data(form.decode(), "quote_form", text=edited)

    caught_up(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        response, _body = editor.request("POST", change, form=data)
        assert response.status == 302
        # The editor sees the edit at once (the primary); a reader sees the replica's copy.
        assert "[edited while the replica waits]" in text_on_page(server.port, page, editor.cookies)
        assert "[edited while the replica waits]" not in text_on_page(server.port, page)
        # The replica falls further behind than the limit: readers go to the primary.
        time.sleep(MAX_LAG + 1)
        assert "[edited while the replica waits]" in text_on_page(server.port, page)
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, replica)
    time.sleep(0.5)
    assert "[edited while the replica waits]" in text_on_page(server.port, page)
    assert "replica replica_1 lags" in server.log()


@on_postgres_run
def test_a_stopped_replica_costs_readers_no_error(replicated):
    primary, replica, server = replicated
    paths = ["/quotes/", "/experts/", "/api/quotes/", "/countries/", "/quotes/?kind=direct"]
    for path in paths:
        text_on_page(server.port, path)
    assert connections_to(replica) >= 1
    replica.stop()
    try:
        for _round in range(3):
            for path in paths:
                assert re.search(r"<main|results", text_on_page(server.port, path))
        assert "replica_1 failed a read" in server.log() or "unreachable" in server.log()
    finally:
        replica.start()
    caught_up(primary, replica)
    time.sleep(0.5)
    text_on_page(server.port, "/quotes/")
    assert connections_to(replica) >= 1  # back on the replica once it answers again
