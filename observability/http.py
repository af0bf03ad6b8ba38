"""The HTTP side of each process: `/healthz`, `/readyz` and `/metrics` (FastAPI, served by
uvicorn on the process's own event loop).

`/healthz` answers while the process runs (liveness: restart it when this fails); `/readyz`
answers 200 only when a request sent now would be answered (readiness: route traffic to it),
503 with the reasons otherwise; `/metrics` is Prometheus' text format. The port is bound
before serving, so a port already taken (a second worker on one host with the same
`WORKER_HTTP_PORT`) stops the process with a message naming the setting, not a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import prometheus_client
import uvicorn
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse

from observability.health import HealthReport

ReadyCheck = Callable[[], Awaitable[HealthReport]]


def http_app(ready: ReadyCheck, *, metrics: bool) -> FastAPI:
    app = FastAPI(title="Test Data Agent", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        report = await ready()
        body = {"ready": report.ready, "status": report.status, "components": report.components}
        return JSONResponse(body, status_code=200 if report.ready else 503)

    if metrics:

        @app.get("/metrics")
        async def metrics_page() -> Response:
            return Response(
                prometheus_client.generate_latest(),
                media_type=prometheus_client.CONTENT_TYPE_LATEST,
            )

    return app


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the process (Faust, the bridge) owns those."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind_http(host: str, port: int, setting: str) -> socket.socket:
    """The listening socket, bound now so a taken port fails at start naming `setting`."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        msg = (
            f"{setting}={port}: cannot listen on {host}:{port} ({exc.strerror}); "
            "give each process on this host its own port, or 0 for any free one"
        )
        raise OSError(exc.errno, msg) from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


@contextlib.asynccontextmanager
async def serving_http(app: FastAPI, sock: socket.socket) -> AsyncIterator[int]:
    """Serve `app` on `sock` (from `bind_http`) while inside; yields its port, and closes it."""
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                await task
                msg = f"the HTTP server on {sock.getsockname()} stopped while starting"
                raise RuntimeError(msg)
            await asyncio.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()
