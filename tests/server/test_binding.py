"""The loopback rule and binding the socket."""

from __future__ import annotations

import socket

import pytest

from autocode_core import ConfigError
from autocode_core.server.binding import bind_socket, is_loopback


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "app.localhost"]
)
def test_loopback_names(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.2", "example.com", "localhost.example.com", ""]
)
def test_other_names_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_bound_sockets_are_tcp_so_asyncio_disables_nagle() -> None:
    with bind_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0


def test_an_unusable_address_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="api.port: cannot listen on 127.0.0.1:70000"):
        bind_socket("127.0.0.1", 70000)
    with pytest.raises(ConfigError, match="cannot listen on 203.0.113.7"):
        bind_socket("203.0.113.7", 0)
