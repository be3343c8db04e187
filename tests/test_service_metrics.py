"""Metrics and logs of the production server (gunicorn, two workers, production settings):
``/metrics`` is there only with a token and only for whoever sends it, and adds up every
worker's counts; each request is logged as one JSON object with its request id, view,
status and duration."""

import http.client
import json
import subprocess

import pytest

from .services import free_port
from .test_serving import production, start, wait_until_serving  # noqa: F401 (a fixture)

TOKEN = "a-scraper-token-of-enough-length"


def ask(port, path, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **dict(headers)})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


@pytest.fixture(scope="module")
def served(production, tmp_path_factory):  # noqa: F811 (the fixture imported above)
    env, manage = production
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    metrics_dir = tmp_path_factory.mktemp("prometheus")
    env = {
        **env,
        "DJANGO_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DJANGO_LOG_FORMAT": "json",
        "DJANGO_CACHE_DIR": str(metrics_dir.with_name(metrics_dir.name + "-cache")),
    }
    port = free_port()
    server = start(env, port)
    assert wait_until_serving(server, port)
    yield port, server
    server.terminate()


def metric(text, name, **labels):
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_need_the_token_and_count_requests_queries_and_the_page_cache(served):
    port, _server = served
    assert ask(port, "/metrics")[0] == 404
    assert ask(port, "/metrics", {"Authorization": "Bearer wrong"})[0] == 404
    for _ in range(6):  # over both workers: the first a miss, the rest mostly hits
        assert ask(port, "/quotes/")[0] == 200
        assert ask(port, "/api/quotes/")[0] == 200
    status, headers, body = ask(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert "no-store" in headers["Cache-Control"] or "no-cache" in headers["Cache-Control"]
    text = body.decode()
    by_view = "django_http_requests_latency_seconds_by_view_method_count"
    # Every request counted (the first middleware); by view those that reached one (a
    # page cache hit does not).
    assert metric(text, "django_http_requests_before_middlewares_total") >= 12
    assert metric(text, by_view, view="commentary:quote-list") >= 1
    assert metric(text, by_view, view="api:quote-list") >= 1
    assert metric(text, "django_db_execute_total", vendor="sqlite") > 0
    hits = metric(text, "archive_page_cache_requests_total", result="hit")
    misses = metric(text, "archive_page_cache_requests_total", result="miss")
    assert hits + misses >= 6 and hits >= 1 and misses >= 1


def test_each_request_is_one_json_log_line_with_its_request_id(served):
    port, server = served
    status, headers, _body = ask(port, "/experts/", {"X-Request-ID": "req-from-the-proxy-42"})
    assert status == 200 and headers["X-Request-ID"] == "req-from-the-proxy-42"
    _status, headers, _body = ask(port, "/nowhere/", {"X-Request-ID": "bad id\u00e9"})
    made = headers["X-Request-ID"]
    assert made != "bad id\u00e9" and len(made) == 32
    server.terminate()
    output, _ = server.communicate(timeout=60)
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    finished = {r["request_id"]: r for r in records if r.get("message") == "request finished"}
    experts = finished["req-from-the-proxy-42"]
    assert experts["view"] == "commentary:expert-list"
    assert experts["status"] == 200 and experts["method"] == "GET"
    assert experts["duration_ms"] >= 0 and experts["logger"] == "commentary.requests"
    assert finished[made]["status"] == 404 and finished[made]["path"] == "/nowhere/"
