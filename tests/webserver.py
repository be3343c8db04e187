"""A real local web for the link checker and the copier: HTTP servers on 127.0.0.x
(threads), and an HTTPS one with a self-signed certificate, serving every kind of answer
the web gives (tests/test_preservation.py; bench/linkcheck_bench.py serves 200 hosts).

Each server records the requests it receives (``server.hits``), so a test can tell what
was asked, when, and by whom.
"""

import contextlib
import http.server
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
    "</head><body><h1>{title}</h1><p>{body}</p></body></html>"
)
HOSTILE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hostile</title>
<meta http-equiv="refresh" content="0; url={beacon}?refresh">
<script>fetch("{beacon}?script"); top.document.title = "pwned"; document.cookie;</script>
<base href="{beacon}">
<style>body {{ background: url("{beacon}?css") }}</style>
</head><body onload="fetch('{beacon}?onload')">
<h1>Statement on New START</h1><p>The treaty's expiry is regrettable.</p>
<img src="{beacon}?img" onerror="fetch('{beacon}?onerror')">
<svg onload="fetch('{beacon}?svg')"></svg>
<iframe src="{beacon}?iframe"></iframe>
<a href="javascript:fetch('{beacon}?js-link')">click</a>
<form id="f" method="post" action="{archive}/admin/login/"><input name="username" value="x">
<button id="go">Send</button></form>
<script>document.getElementById("f").submit()</script>
<object data="{beacon}?object"></object><embed src="{beacon}?embed">
</body></html>"""
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HUGE_BYTES = 8 * 2**20


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalWeb/1.0"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def do_POST(self):
        self.server.record(self)
        self.send("405", "text/plain", b"no posts here", head=False, status=405)

    def send(self, title, content_type, body, head, status=200, headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def redirect(self, status, location, head):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def page(self, title, body="", status=200, head=False, headers=()):
        html = PAGE.format(title=title, body=body)
        self.send(title, "text/html; charset=utf-8", html, head, status, headers)

    def answer(self, head):
        started = self.server.record(self)
        path = self.path.split("?")[0]
        routes = {
            "/": lambda: self.page("Home", "The home page."),
            "/ok": lambda: self.page("New START expires", "The treaty expired.", head=head),
            "/zh": lambda: self.send(
                "zh",
                "text/html; charset=gb18030",
                PAGE.format(title="新削减战略武器条约", body="条约到期。").encode("gb18030"),
                head,
            ),
            "/moved": lambda: self.redirect(301, "/ok", head),
            "/moved-308": lambda: self.redirect(308, "/ok", head),
            "/temporary": lambda: self.redirect(302, "/ok", head),
            "/chain": lambda: self.redirect(301, "/chain-2", head),
            "/chain-2": lambda: self.redirect(302, "/chain-3", head),
            "/chain-3": lambda: self.redirect(307, "/ok", head),
            "/loop-a": lambda: self.redirect(302, "/loop-b", head),
            "/loop-b": lambda: self.redirect(302, "/loop-a", head),
            "/to-home": lambda: self.redirect(301, "/", head),
            "/missing": lambda: self.page("Not here", status=404, head=head),
            "/gone": lambda: self.page("Gone", status=410, head=head),
            "/error": lambda: self.page("Oops", status=500, head=head),
            "/busy": lambda: self.page(
                "Slow down", status=429, head=head, headers=[("Retry-After", "1")]
            ),
            "/soft-404": lambda: self.page(
                "Page not found", "Sorry, we could not find that page.", head=head
            ),
            "/soft-404-zh": lambda: self.page("页面不存在", "您访问的页面不存在。", head=head),
            "/no-head": self.no_head,
            "/head-404": self.head_404,
            "/slow": self.slow,
            "/huge": lambda: self.huge(head),
            "/doc.pdf": lambda: self.send("pdf", "application/pdf", PDF, head),
            "/notes.txt": lambda: self.send(
                "txt", "text/plain; charset=utf-8", "Plain words: 条约.\n<script>x</script>", head
            ),
            "/image.png": lambda: self.send("png", "image/png", b"\x89PNG\r\n", head),
            "/robots.txt": lambda: self.send(
                "robots", "text/plain", "User-agent: *\nDisallow: /private/\n", head
            ),
            "/private/page": lambda: self.page("Private", head=head),
            "/hostile": lambda: self.send(
                "hostile",
                "text/html; charset=utf-8",
                HOSTILE.format(beacon=self.server.beacon, archive=self.server.archive),
                head,
            ),
            "/beacon": lambda: self.send("beacon", "text/plain", "seen", head),
            "/changing": lambda: self.page("Changing", f"Version {self.server.version}", head=head),
        }
        route = routes.get(path) or (
            (lambda: self.page(f"Page {path}", "A page.", head=head))
            if path.startswith("/page/")
            else (lambda: self.page("Not here", status=404, head=head))
        )
        route()
        self.server.finished(self, started)

    def no_head(self):
        if self.command == "HEAD":
            self.send("", "text/plain", b"", True, status=405, headers=[("Allow", "GET")])
        else:
            self.page("GET only", "This server refuses HEAD.")

    def head_404(self):
        if self.command == "HEAD":
            self.send("", "text/plain", b"", True, status=404)
        else:
            self.page("Fine by GET", "Answers HEAD with 404.")

    def slow(self):
        time.sleep(self.server.slow_seconds)
        self.page("Slow", "Finally.", head=self.command == "HEAD")

    def huge(self, head):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        if head:
            return
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        sent = 0
        try:
            while sent < HUGE_BYTES:
                part = chunk[: HUGE_BYTES - sent]
                self.wfile.write(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            pass


class LocalWeb(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host="127.0.0.1", port=0, tls_context=None):
        super().__init__((host, port), Handler)
        if tls_context is not None:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True)
        self.scheme = "https" if tls_context else "http"
        self.hits = []
        self.spans = []
        self.lock = threading.Lock()
        self.slow_seconds = 3.0
        self.version = 1
        self.beacon = ""
        self.archive = ""
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def handle_error(self, request, client_address):
        pass  # a client that hung up, a TLS handshake refused: part of the tests

    def record(self, handler):
        started = time.monotonic()
        with self.lock:
            self.hits.append(
                (started, handler.command, handler.path, handler.headers.get("User-Agent"))
            )
        return started

    def finished(self, handler, started):
        """An answer sent: ``spans`` holds each answer's start and end (for the bench)."""
        with self.lock:
            self.spans.append((started, time.monotonic(), handler.command, handler.path))

    def paths(self):
        with self.lock:
            return [path for _t, _m, path, _ua in self.hits]

    def url(self, path="/"):
        host, port = self.server_address[:2]
        return f"{self.scheme}://{host}:{port}{path}"

    def stop(self):
        self.shutdown()
        self.server_close()


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class SelfSigned:
    """A throwaway certificate for 127.0.0.1 made by ``openssl``, and a server context."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="archive-tls-"))
        self.cert, self.key = self.directory / "cert.pem", self.directory / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(self.key), "-out", str(self.cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(self.cert, self.key)

    def remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)
