"""A failed fetch -> (reject code, one-line reason), for the reject row and the run's stats.

Codes: robots, unsafe_url, redirect_refused, redirect_loop, too_many_redirects, offsite,
too_large, timeout, http_<status>, dns_error, connection_refused, data_loss, fetch_error.
"""

from __future__ import annotations

from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from twisted.python.failure import Failure

from crawler.middlewares.refusals import Refused

_TIMEOUTS = (DownloadTimeoutError, error.TimeoutError, error.TCPTimedOutError)
_DNS = (CannotResolveHostError, error.DNSLookupError)
_REFUSED = (DownloadConnectionRefusedError, error.ConnectionRefusedError)


def describe_failure(failure: Failure) -> tuple[str, str]:
    exc = failure.value
    if isinstance(exc, Refused):
        return exc.code, exc.reason
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status} {_phrase(status)}".rstrip()
    if isinstance(exc, _TIMEOUTS):
        return "timeout", f"no complete answer in time: {exc}"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "max redirections" in message:
            return "too_many_redirects", "too many redirects (REDIRECT_MAX_TIMES)"
        if "offsite" in message:
            return "offsite", message
        return "ignored", message or "request ignored"
    if isinstance(exc, (DownloadCancelledError, defer.CancelledError)) and "max size" in str(exc):
        return "too_large", "body larger than DOWNLOAD_MAXSIZE"
    if isinstance(exc, _DNS):
        return "dns_error", f"host name not resolved: {exc}"
    if isinstance(exc, _REFUSED):
        return "connection_refused", f"connection refused: {exc}"
    if isinstance(exc, ResponseDataLossError):
        return "data_loss", "connection closed before the whole body arrived"
    return "fetch_error", f"{type(exc).__name__}: {exc}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
