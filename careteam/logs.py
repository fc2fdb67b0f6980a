"""Console log lines (settings.LOGGING): ids and paths only, never patient data.

- A refused or missing request (a 4xx) is one line. Django logs a PermissionDenied with its
  exception attached, which prints a traceback for an expected answer; the line ("Forbidden
  (Permission denied): /path") says all there is. Its path never has the query string. A 5xx
  keeps its traceback.
- The development server's access line loses its query string (patient search terms go there),
  and is left out for a 4xx, which Django has just logged as the line above (except for static
  files, which runserver answers without Django logging them).
"""

import logging

from django.conf import settings


def is_refusal(record: logging.LogRecord) -> bool:
    status = getattr(record, "status_code", None)
    return record.name.startswith("django.") and isinstance(status, int) and 400 <= status < 500


class OneLineRefusalsFormatter(logging.Formatter):
    """A formatter that prints a 4xx from Django without its exception."""

    def format(self, record: logging.LogRecord) -> str:
        if is_refusal(record) and (record.exc_info or record.exc_text or record.stack_info):
            record = logging.makeLogRecord(record.__dict__)
            record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record)


def _without_query(request_line: str) -> tuple[str, str]:
    """'GET /path?q=x HTTP/1.1' -> ('GET /path HTTP/1.1', '/path')."""
    parts = request_line.split(" ")
    if len(parts) == 3:
        parts[1] = parts[1].split("?", 1)[0]
        return " ".join(parts), parts[1]
    return request_line.split("?", 1)[0], ""


class DevServerAccessFilter(logging.Filter):
    """For the ``django.server`` logger (runserver's access lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not (isinstance(args, tuple) and args and isinstance(args[0], str)):
            return True
        line, path = _without_query(args[0])
        static = "/" + settings.STATIC_URL.lstrip("/")
        if is_refusal(record) and not path.startswith(static):
            return False
        record.args = (line, *args[1:])
        return True
