"""One log line per request, and a request id on every line logged while it runs.

``RequestLogMiddleware`` (first in the chain, so it times everything: page cache hits
too) takes the request id from the proxy's ``X-Request-ID`` when it is a plausible one,
else makes one, sends it back in ``X-Request-ID``, and logs ``request finished`` on the
``commentary.requests`` logger with the method, path, view, status and duration.
``RequestIdFilter`` adds ``request_id`` to every record, so that in production (one JSON
object a line, ``python-json-logger``) a warning can be followed back to its request.
"""

import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("commentary.requests")

HEADER = "X-Request-ID"
PLAUSIBLE = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_request_id = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if PLAUSIBLE.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        began = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            response[HEADER] = request_id
            logger.info(
                "request finished",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - began) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)
