"""The gRPC port's transport security, from the bridge settings.

Plaintext when no certificate is set; TLS with `grpc_tls_cert_file` and `grpc_tls_key_file`;
mutual TLS when `grpc_tls_client_ca_file` is set too: every client must then present a
certificate that CA signed, or the handshake fails before any call is made.
"""

from __future__ import annotations

from pathlib import Path

import grpc

from config.settings import BridgeSettings


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        msg = f"cannot read the gRPC TLS {what} {path}: {exc.strerror or exc}"
        raise RuntimeError(msg) from exc


def server_credentials(bridge: BridgeSettings) -> grpc.ServerCredentials | None:
    """The credentials to bind the gRPC port with, or None for plaintext."""
    if bridge.grpc_tls_cert_file is None or bridge.grpc_tls_key_file is None:
        return None
    key = _read(bridge.grpc_tls_key_file, "key (GRPC_TLS_KEY_FILE)")
    chain = _read(bridge.grpc_tls_cert_file, "certificate (GRPC_TLS_CERT_FILE)")
    client_ca = (
        None
        if bridge.grpc_tls_client_ca_file is None
        else _read(bridge.grpc_tls_client_ca_file, "client CA (GRPC_TLS_CLIENT_CA_FILE)")
    )
    return grpc.ssl_server_credentials(
        [(key, chain)], root_certificates=client_ca, require_client_auth=client_ca is not None
    )


def describe(bridge: BridgeSettings) -> str:
    """`plaintext`, `TLS` or `mutual TLS`, for the startup log."""
    if bridge.grpc_tls_cert_file is None:
        return "plaintext"
    return "TLS" if bridge.grpc_tls_client_ca_file is None else "mutual TLS"
