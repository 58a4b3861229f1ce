"""Real sockets, no mocks: a port nobody listens on, and a server that never answers."""

import socket
import threading

import pytest

from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentServer:
    """Accepts connections and reads requests, but never answers."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.requests: list[bytes] = []
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.requests.append(connection.recv(65536))

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_a_refused_connection_is_a_readable_network_error(sleeps):
    port = _unused_port()
    zoho = ZohoClient(api_domain=f"http://127.0.0.1:{port}", access_token="t", sleep=sleeps)

    with pytest.raises(ZohoError) as caught:
        zoho.list_modules()

    error = caught.value
    assert error.code == "NETWORK_ERROR"
    assert error.category == ErrorCategory.TRANSIENT
    assert error.sent is False
    assert error.http_status is None
    assert error.message == (
        f"Could not connect to Zoho (127.0.0.1:{port}): the connection was refused or failed."
    )
    assert len(sleeps.calls) == 2  # a read: three tries in all


def test_a_silent_server_times_out_and_a_mass_update_is_sent_once(silent_server, sleeps):
    zoho = ZohoClient(
        api_domain=f"http://127.0.0.1:{silent_server.port}",
        access_token="t",
        timeout=0.3,
        sleep=sleeps,
    )

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid="1")

    error = caught.value
    assert (error.code, error.sent, error.category) == ("TIMEOUT", True, ErrorCategory.TRANSIENT)
    assert error.message == "Zoho did not answer within 0.3 seconds."
    assert len(silent_server.requests) == 1
    assert silent_server.requests[0].startswith(b"POST /crm/v2/Leads/actions/mass_update ")
    assert sleeps.calls == []


def test_a_silent_server_is_asked_again_for_a_read(silent_server, sleeps):
    zoho = ZohoClient(
        api_domain=f"http://127.0.0.1:{silent_server.port}",
        access_token="t",
        timeout=0.2,
        sleep=sleeps,
    )

    with pytest.raises(ZohoError) as caught:
        zoho.get_org()

    assert caught.value.code == "TIMEOUT"
    assert len(silent_server.requests) == 3
