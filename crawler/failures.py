"""Why a request failed, as a short reason slug and one sentence a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.defer import TimeoutError as DeferTimeoutError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import (
    TimeoutError as TwistedTimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.items import FetchFailure

if TYPE_CHECKING:
    from twisted.python.failure import Failure


def failure_from_twisted(failure: Failure, url: str, source: str, entry_point: bool) -> FetchFailure:
    """Translate the exception behind a failed request into a stored reason."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return FetchFailure(url, source, f"http-{status}", f"the server answered HTTP {status}", status, entry_point)
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return FetchFailure(
                url, source, "robots", "robots.txt forbids this URL; it was not requested", None, entry_point
            )
        if "redirect" in message.lower():
            return FetchFailure(url, source, "redirect-loop", f"too many redirects ({message})", None, entry_point)
        return FetchFailure(url, source, "ignored", message or "the request was dropped", None, entry_point)
    if isinstance(exc, DownloadTimeoutError | DeferTimeoutError | TwistedTimeoutError | TCPTimedOutError):
        return FetchFailure(url, source, "timeout", "no complete answer within DOWNLOAD_TIMEOUT", None, entry_point)
    if isinstance(exc, DownloadCancelledError | CancelledError):
        if "max size" in str(exc) or isinstance(exc, CancelledError):
            return FetchFailure(
                url, source, "too-large", "the response is larger than DOWNLOAD_MAXSIZE", None, entry_point
            )
        return FetchFailure(url, source, "cancelled", f"the download was cancelled ({exc})", None, entry_point)
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return FetchFailure(url, source, "dns", "the host name does not resolve", None, entry_point)
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError | ConnectError):
        return FetchFailure(url, source, "connection", f"cannot connect ({exc})", None, entry_point)
    if isinstance(exc, ResponseDataLossError | DownloadFailedError):
        return FetchFailure(url, source, "connection", f"the download broke off ({exc})", None, entry_point)
    if isinstance(exc, ResponseNeverReceived | ResponseFailed | ConnectionLost):
        reasons = getattr(exc, "reasons", None) or [failure]
        if any(r.check(CancelledError) for r in reasons if hasattr(r, "check")):
            return FetchFailure(
                url, source, "too-large", "the response is larger than DOWNLOAD_MAXSIZE", None, entry_point
            )
        return FetchFailure(url, source, "connection", f"the connection broke ({exc})", None, entry_point)
    return FetchFailure(url, source, "error", f"{type(exc).__name__}: {exc}", None, entry_point)
