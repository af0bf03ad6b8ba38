# syntax=docker/dockerfile:1
#
# One image for both processes of Test Data Agent:
#   python -m bridge    the gRPC-to-Kafka bridge on $GRPC_HOST:$GRPC_PORT (default command), HTTP
#                       (/healthz, /readyz, /metrics) on $HTTP_HOST:$HTTP_PORT
#   python -m streams   a Faust worker (docker-compose.yml and k8s/ override the command), HTTP
#                       on $HTTP_HOST:$WORKER_HTTP_PORT (8091)
# Build: docker build -t test-data-agent .
# Dependencies come from requirements.lock (uv pip compile); regenerate it with `make lock`.

ARG PYTHON_IMAGE=python:3.11-slim

# --- Stage 1: gRPC/protobuf stubs, generated at build time ----------------------------------
# grpcio-tools is a dev dependency: it is installed here at the version (and with the protobuf)
# pinned in requirements-dev.lock, and never reaches the runtime image.
FROM ${PYTHON_IMAGE} AS protos
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements-dev.lock ./
RUN pip install --constraint requirements-dev.lock grpcio-tools
COPY protos/ protos/
# -Icontracts/_proto=protos makes the generated *_grpc.py import `contracts._proto.test_data_pb2`
# (a package import), as the Makefile does; `-Iprotos --python_out=contracts/_proto` would emit a
# top-level `import test_data_pb2` that fails inside the package.
RUN mkdir -p contracts/_proto \
 && python -m grpc_tools.protoc -Icontracts/_proto=protos --python_out=. --grpc_python_out=. \
      contracts/_proto/test_data.proto \
 && touch contracts/_proto/__init__.py

# --- Stage 2: runtime ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
COPY --from=protos /src/contracts/_proto/ contracts/_proto/
RUN pip install --no-deps . \
 && rm -rf build ./*.egg-info

# Non-root, under a fixed numeric uid/gid (10001) so that Kubernetes' runAsNonRoot can check it
# (k8s/ runs the pods as 10001 too). The code stays root-owned and read-only; the worker's Faust
# data dir is WORKER_DATA_DIR (default under /tmp), and /app is left writable for anything else.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
 && chown app:app /app
USER 10001:10001

# The processes run from /app so that `python -m ...` uses this tree (schemas-avro/ next to it).
# Both serve HTTP on HTTP_HOST: the bridge /healthz, /readyz and /metrics on HTTP_PORT (8081)
# beside gRPC on GRPC_PORT (9001); a worker (`python -m streams`) the same paths on
# WORKER_HTTP_PORT (8091). 0.0.0.0 so that probes and scrapers from outside the container reach
# them (the settings' default, 127.0.0.1, is for a developer's machine).
ENV GRPC_HOST=0.0.0.0 \
    GRPC_PORT=9001 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8081 \
    WORKER_HTTP_PORT=8091
EXPOSE 9001 8081 8091

# Liveness over HTTP with the image's python (there is no curl): the bridge's /healthz on
# HTTP_PORT, or the worker's on WORKER_HTTP_PORT when the container runs `python -m streams`
# (PID 1's command line names `streams`), so one image checks either process. Kubernetes ignores
# HEALTHCHECK: k8s/ probes /healthz and /readyz itself. The start period covers the worker's
# imports, topic creation and first rebalance.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; w = b'streams' in open('/proc/1/cmdline', 'rb').read(); p = os.environ['WORKER_HTTP_PORT' if w else 'HTTP_PORT']; u.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=4)"]
CMD ["python", "-m", "bridge"]
