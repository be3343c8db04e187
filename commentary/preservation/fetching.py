"""HTTP for the link checker and the copier: one client that behaves as a guest should.

- It says who it is (``LINK_CHECK["USER_AGENT"]``, with the archive's contact address).
- It asks ``robots.txt`` first, once per host and run, and never fetches what it forbids.
- It never waits longer than ``TIMEOUT`` seconds for an answer, from connecting to the
  last byte it reads (a server that trickles a byte a second is timed out too).
- It reads no more of a body than it was asked for.
- ``Hosts`` spreads the work over worker threads so that each host has at most one
  request in flight and ``HOST_DELAY`` seconds between the end of one turn and the next
  (longer when the host asked so with ``Retry-After``).

Redirects are followed by the caller, hop by hop, so that each hop can be recorded.
"""

import heapq
import queue
import threading
import time
import urllib.parse
import urllib.robotparser
from collections import defaultdict, deque
from dataclasses import dataclass, field

import urllib3
from django.conf import settings

# The product token robots.txt rules are matched against (the User-Agent's first word).
ROBOTS_MAX_BYTES = 512 * 1024
READ_CHUNK = 64 * 1024
ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"


class Deadline(Exception):
    """The whole request took longer than the timeout (a slow, trickling body)."""


@dataclass
class Response:
    url: str
    method: str
    status: int
    reason: str
    headers: list  # [(name, value)] as sent
    body: bytes = b""
    truncated: bool = False  # the body went on past the bytes asked for
    elapsed: float = 0.0

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return ""

    @property
    def content_type(self):
        return self.header("content-type").split(";")[0].strip().lower()

    @property
    def charset(self):
        for part in self.header("content-type").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip('"').lower()
        return ""


def host_of(url):
    """The politeness key: scheme-less host and port (``example.org``, ``127.0.0.5:8000``)."""
    return urllib.parse.urlsplit(url).netloc.lower()


class Fetcher:
    """One connection pool and one ``robots.txt`` cache, shared by the worker threads."""

    def __init__(self, config=None):
        self.config = {**settings.LINK_CHECK, **(config or {})}
        self.user_agent = self.config["USER_AGENT"]
        self.agent_token = self.user_agent.split("/")[0].split()[0]
        self.timeout = self.config["TIMEOUT"]
        self.pool = urllib3.PoolManager(
            num_pools=256,
            maxsize=1,
            block=False,
            retries=False,
            timeout=urllib3.Timeout(connect=min(self.timeout, 10), read=self.timeout),
            ca_certs=self.config.get("CA_FILE"),
        )
        self.robots = {}
        self.robots_lock = threading.Lock()

    def request(self, method, url, read=0):
        """``method url`` without following redirects, reading at most ``read`` bytes of
        the body. Raises urllib3's errors (or ``Deadline``) for a failed exchange."""
        started = time.monotonic()
        response = self.pool.request(
            method,
            url,
            headers={
                "User-Agent": self.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "identity",
            },
            redirect=False,
            preload_content=False,
        )
        chunks, size, truncated = [], 0, False
        try:
            if read and method != "HEAD":
                while True:
                    if time.monotonic() - started > self.timeout:
                        raise Deadline(f"no complete answer within {self.timeout:g} s")
                    chunk = response.read(min(READ_CHUNK, read + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > read:
                        truncated = True
                        break
            body = b"".join(chunks)
            if truncated:
                body = body[:read]
        finally:
            # A body left unread (or cut short) closes the connection rather than
            # draining a huge answer into the void.
            if method == "HEAD" or (read and not truncated):
                response.release_conn()
            else:
                response.close()
        return Response(
            url=url,
            method=method,
            status=response.status,
            reason=response.reason or "",
            headers=list(response.headers.items()),
            body=body,
            truncated=truncated,
            elapsed=time.monotonic() - started,
        )

    def allowed(self, url):
        """Whether the host's ``robots.txt`` lets this agent fetch ``url`` (fetched once per
        host; an unreachable or missing ``robots.txt`` forbids nothing, a 401/403 forbids
        everything, as Python's parser and the robots exclusion standard have it)."""
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.netloc.lower())
        with self.robots_lock:
            rules = self.robots.get(key)
        if rules is None:
            rules = self._robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
            with self.robots_lock:
                self.robots[key] = rules
        return rules.can_fetch(self.agent_token, url)

    def _robots(self, url):
        rules = urllib.robotparser.RobotFileParser(url)
        try:
            for _hop in range(5):
                response = self.request("GET", url, read=ROBOTS_MAX_BYTES)
                location = response.header("location")
                if 300 <= response.status < 400 and location:
                    url = urllib.parse.urljoin(url, location)
                    continue
                break
        except Exception:  # unreachable: the check itself will say so
            rules.allow_all = True
            return rules
        if response.status in (401, 403):
            rules.disallow_all = True
        elif response.status >= 400 or response.status >= 300:
            rules.allow_all = True
        else:
            rules.parse(response.body.decode("utf-8", "replace").splitlines())
        rules.modified()  # marks it read: can_fetch() answers nothing before that
        return rules


@dataclass
class Turn:
    """What one turn of a host gave: a result, how long the host wants left alone now
    (``Retry-After``), and an item to try again later in the run, if any."""

    result: object
    wait: float = 0.0
    again: object = None


@dataclass(order=True)
class _Slot:
    at: float
    host: str = field(compare=False)


class Hosts:
    """Run ``work(item) -> Turn`` over ``(host, item)`` pairs on ``concurrency`` threads,
    one item of a host at a time, ``delay`` seconds between a host's turns. ``run`` yields
    the results as they come (in the calling thread, which can write them down); one
    ``Hosts`` remembers when each host may be asked again from one ``run`` (one chunk of
    sources) to the next."""

    def __init__(self, work, concurrency, delay):
        self.work = work
        self.concurrency = max(1, concurrency)
        self.delay = delay
        self.free_at = {}  # host: the monotonic time its next turn may start

    def run(self, pairs):
        pending = defaultdict(deque)
        for host, item in pairs:
            pending[host].append(item)
        ready = [_Slot(self.free_at.get(host, 0.0), host) for host in pending]
        heapq.heapify(ready)
        state = {"busy": 0}
        changed = threading.Condition()
        results = queue.Queue()

        def next_item():
            with changed:
                while True:
                    if not ready:
                        if state["busy"] == 0:
                            return None, None
                        changed.wait()
                        continue
                    wait = ready[0].at - time.monotonic()
                    if wait > 0:
                        changed.wait(wait)
                        continue
                    host = heapq.heappop(ready).host
                    state["busy"] += 1
                    return host, pending[host].popleft()

        def worker():
            while True:
                host, item = next_item()
                if host is None:
                    return
                try:
                    turn = self.work(item)
                except BaseException as error:  # never lose a host's queue to one bug
                    turn = Turn(result=error)
                with changed:
                    state["busy"] -= 1
                    if turn.again is not None:
                        pending[host].append(turn.again)
                    at = time.monotonic() + max(self.delay, turn.wait)
                    self.free_at[host] = at
                    if pending[host]:
                        heapq.heappush(ready, _Slot(at, host))
                    else:
                        del pending[host]
                    changed.notify_all()
                if turn.result is not None:
                    results.put(turn.result)

        threads = [
            threading.Thread(target=worker, daemon=True, name=f"fetch-{n}")
            for n in range(min(self.concurrency, len(pending)) or 1)
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads) or not results.empty():
            try:
                found = results.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(found, BaseException):
                raise found
            yield found
        for thread in threads:
            thread.join()
