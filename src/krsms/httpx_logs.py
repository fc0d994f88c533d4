"""Hiding secrets and phone numbers in the logs of the HTTP libraries under the transport:
httpx, httpcore and hpack, whose loggers run before any krsms code sees their records.

:func:`redact_in_httpx_logs` installs one shared filter on them, holding patterns only,
never a secret value. It knows those libraries' logger names and what their records
hold, and imports none of them.
"""

from __future__ import annotations

import logging
import re
import threading

from krsms.redaction import URL_CREDENTIALS, masked_value


class _RedactingFilter(logging.Filter):
    """Rewrites records of httpx's and httpcore's loggers: httpx logs every URL at INFO,
    httpcore every response header (a ``Location`` with the URL, a header a server echoes)
    at DEBUG."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: tuple[re.Pattern[str], ...] = ()
        """Replaced, never changed in place: a client made in one thread adds its patterns
        while another thread's request is logged, which goes on with the tuple it read."""
        self._adding = threading.Lock()

    def add(self, pattern: re.Pattern[str]) -> None:
        """Hide what ``pattern`` matches too."""
        with self._adding:
            if pattern not in self.patterns:
                self.patterns = (*self.patterns, pattern)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        for pattern in self.patterns:
            redacted = pattern.sub(masked_value, redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class _HeaderDataFilter(logging.Filter):
    """Drops the records of hpack's loggers (HTTP/2 header compression, used by an
    ``httpx.AsyncClient(http2=True)``) that carry header data.

    hpack logs, at DEBUG, every header it encodes or decodes (the access key, the secret key,
    the ``:path`` with the appKey) and whole header blocks, Huffman-coded where no pattern can
    find a key. Only its records whose arguments are all numbers (sizes, counts) pass.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
        return isinstance(record.msg, str) and all(isinstance(arg, (int, float)) for arg in args)


PHONE_NUMBER_PARAMETERS = re.compile(r"""(?i)([?&](?:to|clientTelNo|[a-z]*recipientNo(?:List)?)=)[^&#\s"']+""")
"""The query parameters of a look-up that hold recipients' numbers (personal data), which httpx
logs at INFO with each URL: SENS ``to`` and ``clientTelNo`` (S8's opted-out number), NHN
``recipientNo``, ``internationalRecipientNo`` and ``recipientNoList``. (NHN's statistics
``to``, a date, is hidden with them.)"""
PHONE_NUMBER_IN_PATH = re.compile(r"""(?i)(/phone-numbers/)[^/?#\s"']+""")
"""The path segment that names a UID's phone number (NHN N49, ``/uids/{uid}/phone-numbers/{phoneNumber}``)."""
PHONE_NUMBERS = (PHONE_NUMBER_PARAMETERS, PHONE_NUMBER_IN_PATH)
"""Where a URL holds a recipient's number."""


def hide_phone_numbers(url: str) -> str:
    """``url`` with the recipients' numbers it holds (:data:`PHONE_NUMBERS`) shown as ``***``."""
    for pattern in PHONE_NUMBERS:
        url = pattern.sub(masked_value, url)
    return url


_httpx_log_filter = _RedactingFilter()
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""A filter applies to the records of its own logger only, not to those of its children."""
_hpack_log_filter = _HeaderDataFilter()
_HPACK_LOGGERS = ("hpack.hpack", "hpack.table")


def redact_in_httpx_logs(pattern: re.Pattern[str]) -> None:
    """Make httpx's and httpcore's loggers hide what ``pattern`` matches (its group 1 is kept)
    and the recipients' numbers in a URL (:data:`PHONE_NUMBERS`), and hpack's loggers
    drop their records carrying header data (see :class:`_HeaderDataFilter`).

    Idempotent; the filters hold patterns only, never secret values.
    """
    for names, log_filter in ((_HTTP_LOGGERS, _httpx_log_filter), (_HPACK_LOGGERS, _hpack_log_filter)):
        for name in names:
            library_logger = logging.getLogger(name)
            if log_filter not in library_logger.filters:
                library_logger.addFilter(log_filter)
    _httpx_log_filter.add(URL_CREDENTIALS)  # httpx logs each URL whole, a base URL's password included
    for numbers in PHONE_NUMBERS:
        _httpx_log_filter.add(numbers)
    _httpx_log_filter.add(pattern)
