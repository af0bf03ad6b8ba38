"""Bearer-token authentication with scopes, and who a caller is for rate limiting. Pure.

With `auth_tokens` set, a call carries `authorization: Bearer <token>` metadata; the token names
a client, and the client's scopes say which methods it may call. Tokens are compared in constant
time (SHA-256 digests of equal length, every configured token compared on every call) and never
appear in a message or a log: the client's name does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from config.settings import ClientToken, Scope
from generators.core.errors import PermissionDenied, Unauthenticated

#: The metadata key a client may name itself with when there is no authentication.
CLIENT_ID_KEY = "x-client-id"
#: A claimed client id longer than this is cut (it keys a rate-limit bucket).
MAX_CLIENT_ID_CHARS = 128
_BEARER = "bearer "


@dataclass(frozen=True, slots=True)
class _Client:
    name: str
    digest: bytes
    scopes: frozenset[Scope]


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", errors="surrogatepass")).digest()


class Authenticator:
    """Who holds a bearer token, and whether they may use a scope. `tokens=None`: no auth."""

    def __init__(self, tokens: Mapping[str, ClientToken] | None) -> None:
        self._clients: tuple[_Client, ...] | None = (
            None
            if tokens is None
            else tuple(
                _Client(name, _digest(t.token.get_secret_value()), frozenset(t.scopes))
                for name, t in tokens.items()
            )
        )

    @property
    def enabled(self) -> bool:
        return self._clients is not None

    def authenticate(self, authorization: str | None) -> str | None:
        """The client name the `authorization` metadata value proves (None when auth is off).

        Raises `Unauthenticated` when auth is on and the value is missing, not a bearer token,
        or a token no client holds.
        """
        if self._clients is None:
            return None
        if not authorization:
            msg = "this call needs `authorization: Bearer <token>` metadata"
            raise Unauthenticated(msg)
        if authorization[: len(_BEARER)].lower() != _BEARER:
            msg = "the authorization metadata is not a bearer token (`Bearer <token>`)"
            raise Unauthenticated(msg)
        presented = _digest(authorization[len(_BEARER) :].strip())
        found: str | None = None
        for client in self._clients:  # no early exit: the time taken says nothing
            if hmac.compare_digest(presented, client.digest) and found is None:
                found = client.name
        if found is None:
            msg = "the bearer token is not valid"
            raise Unauthenticated(msg)
        return found

    def authorize(self, client: str | None, scope: Scope | None, method: str) -> None:
        """Raise `PermissionDenied` unless `client` has `scope` (None: any client may call)."""
        if self._clients is None or scope is None:
            return
        scopes = next((c.scopes for c in self._clients if c.name == client), frozenset())
        if scope not in scopes:
            msg = f"{method} needs the {scope!r} scope; client {client!r} does not have it"
            raise PermissionDenied(msg, scope=scope)


def peer_host(peer: str) -> str:
    """The host of a gRPC peer string, without its port: `ipv4:10.0.0.5:41234` is `10.0.0.5`,
    `ipv6:[::1]:41234` is `::1`, `unix:/run/x.sock` stays as it is."""
    kind, _, address = peer.partition(":")
    if not address:
        return peer
    if kind == "ipv6":
        host = address.rpartition("]")[0].removeprefix("[") if "]" in address else address
        return host or address
    if kind == "ipv4":
        return address.rpartition(":")[0] or address
    return peer


def client_identity(client: str | None, claimed: str | None, peer: str) -> str:
    """Who a call is charged to: the authenticated client's name, else the client id it
    claims (`x-client-id`), else its host. Prefixed so that one kind cannot pose as another."""
    if client is not None:
        return f"client:{client}"
    if claimed and claimed.strip():
        return f"id:{claimed.strip()[:MAX_CLIENT_ID_CHARS]}"
    return f"host:{peer_host(peer)}"
