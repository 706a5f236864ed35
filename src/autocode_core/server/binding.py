"""Where the server may listen: the loopback rule and binding the socket."""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

from autocode_core.errors import ConfigError, ConfigProblem

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["bind_socket", "check_bind", "is_loopback"]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(daemon: AutocodeDaemon) -> None:
    """Refuse a non-loopback bind without an API token.

    :raises ConfigError: ``api.host`` is not loopback and no token is set.
    """
    api = daemon.config.api
    token = api.token.get_secret_value() if api.token is not None else ""
    if not is_loopback(api.host) and not token:
        raise ConfigError(
            ConfigProblem(
                "",
                "api.host",
                f"{api.host!r} is reachable from other machines, so the HTTP API needs a "
                "token: set AUTOCODE_API_TOKEN (or api.token), or bind to 127.0.0.1",
            )
        )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening, non-blocking TCP socket on ``host:port`` (port 0: any free port).

    :raises ConfigError: the address cannot be bound (in use, not local...).
    """
    name = host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    try:
        # proto IPPROTO_TCP (not 0): asyncio then sets TCP_NODELAY on accepted
        # connections; without it a response's header and body writes wait for
        # a delayed ACK (40 ms per request)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    except OSError as exc:
        raise ConfigError(
            ConfigProblem("", "api.host", f"cannot listen on {host}: {exc.strerror or exc}")
        ) from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((name, port))
        sock.listen(128)
        sock.setblocking(False)
    except (OSError, OverflowError) as exc:
        sock.close()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            ConfigProblem("", "api.port", f"cannot listen on {host}:{port}: {reason}")
        ) from exc
    return sock
