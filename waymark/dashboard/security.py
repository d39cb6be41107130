"""Who may see and steer: the listening address, the access token and the CSRF check.

Loopback addresses are served without a token (only this machine reaches them); any other
address needs `WAYMARK_WEBAPP_TOKEN` and the server refuses to start without one. With a token,
every page but `/healthz` needs it: as `Authorization: Bearer TOKEN`, or once as `?token=TOKEN`,
which sets an HttpOnly cookie. Every POST also carries a CSRF value derived from a secret (the
token when there is one, so several servers behind one address agree) and must come from this
origin when the browser says where it comes from.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from waymark_runtime.errors import WaymarkError, clipped

TOKEN_COOKIE = "waymark_dashboard_token"
CSRF_FIELD = "csrf"


class DashboardConfigError(WaymarkError):
    """the dashboard cannot start with this configuration"""


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False  # a host name may resolve to anything

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_address(text: str, source: str = "WAYMARK_WEBAPP_ADDR") -> Address:
    """`HOST:PORT` (`[::1]:24119` for IPv6); a bad one is a `DashboardConfigError` naming
    `source`, where the text came from."""
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise DashboardConfigError(
            f"{source} must be HOST:PORT (e.g. 127.0.0.1:24119), got {clipped(text)}"
        )
    return Address(host, int(port))


def checked_address(text: str, token: str | None, source: str = "WAYMARK_WEBAPP_ADDR") -> Address:
    """The address to bind; a non-loopback one without a token is refused."""
    address = parse_address(text, source)
    if not address.loopback and not token:
        raise DashboardConfigError(
            f"the dashboard would listen on {address.host}, which is not a loopback address, "
            "without WAYMARK_WEBAPP_TOKEN; set a token (anyone who can reach the address could "
            "otherwise cancel and requeue runs) or bind 127.0.0.1"
        )
    return address


@dataclass(frozen=True, slots=True)
class Guard:
    """The token (None: open, loopback only) and the secret CSRF values derive from."""

    token: str | None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @classmethod
    def of(cls, token: str | None) -> Guard:
        if token:
            return cls(token, hashlib.sha256(b"waymark-dashboard:" + token.encode()).digest())
        return cls(None)

    def allows(self, header: str | None, cookie: str | None) -> bool:
        """Whether a request carrying this Authorization header and cookie may read."""
        if self.token is None:
            return True
        bearer = header[7:] if header and header.lower().startswith("bearer ") else None
        return any(
            given is not None and hmac.compare_digest(given.encode(), self.token.encode())
            for given in (bearer, cookie)
        )

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(), self.token.encode())

    @property
    def csrf(self) -> str:
        """The value every form posts back."""
        return hmac.new(self.secret, b"csrf", hashlib.sha256).hexdigest()

    def csrf_ok(self, given: str | None, origin: str | None, host: str | None) -> bool:
        """The form's value matches, and the browser's Origin (when sent) is this server."""
        if given is None or not hmac.compare_digest(given.encode(), self.csrf.encode()):
            return False
        if origin is None:  # not a browser, or an old one: the form value is the check
            return True
        return host is not None and origin.split("://", 1)[-1] == host
