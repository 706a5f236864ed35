"""Which Host names a server answers (the DNS-rebinding defence).

On a loopback bind only loopback names are answered. On any other bind the
allowed names are ``api.allowed_hosts`` when set, else the bind address and
the machine's own names and addresses: a page that rebinds some other name to
this machine's address is refused before anything is read.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import psutil

from autocode_core.server.binding import is_loopback

__all__ = ["HostRule", "host_name", "machine_names"]


def host_name(value: str) -> str:
    """The host part of a Host header (``[::1]:8080`` -> ``::1``), lower case; "" if invalid."""
    try:
        return (urlsplit(f"//{value}").hostname or "").lower()
    except ValueError:
        return ""


def machine_names() -> set[str]:
    """This machine's host names and interface addresses."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                names.add(address.address.split("%")[0].lower())
    return {n for n in names if n}


class HostRule:
    """Decides whether a request's Host header names this server."""

    def __init__(self, bind_host: str, allowed: Iterable[str] = ()) -> None:
        self.bind_host = bind_host.strip("[]").lower()
        self.loopback_only = is_loopback(self.bind_host)
        configured = {host_name(h) or h.lower() for h in allowed}
        if self.loopback_only:
            self.allowed: set[str] = set()
        elif configured:
            self.allowed = configured
        else:
            self.allowed = machine_names() | {self.bind_host} - {"0.0.0.0", "::"}

    def allows(self, host: str | None) -> bool:
        """True when ``host`` (a Host header) names this server."""
        if host is None:
            return False
        name = host_name(host)
        if is_loopback(name):
            return True
        return not self.loopback_only and name in self.allowed
