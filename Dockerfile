# syntax=docker/dockerfile:1
#
# One image for both processes of Test Data Agent:
#   python -m bridge    the gRPC-to-Kafka bridge on $GRPC_HOST:$GRPC_PORT (default command)
#   python -m streams   a Faust worker (docker-compose.yml overrides the command)
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

# Non-root. /app itself is writable (Faust keeps its <app>-data dir in the working directory);
# the code in it stays root-owned and read-only.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
 && chown app:app /app
USER app

# The processes run from /app so that `python -m ...` uses this tree (schemas-avro/ next to it).
ENV GRPC_HOST=0.0.0.0 \
    GRPC_PORT=9001
EXPOSE 9001
CMD ["python", "-m", "bridge"]
