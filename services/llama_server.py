"""services/llama_server.py — llama.cpp's HTTP server (the same C++ code as `llama-server`), run
through the prebuilt `xllamacpp` wheel so nothing is compiled. Started by services/llama.sh with
the interpreter of the venv it installs into its cache; not part of the project's packages.

    python llama_server.py --model FILE.gguf [--host H] [--port P] [--ctx-size N]
        [--parallel N] [--threads N] [--alias NAME] [--cache-ram MIB]

Serves /health, /v1/models, /v1/chat/completions (strict `response_format` json_schema becomes
a grammar), /v1/completions, /v1/messages... on http://HOST:PORT until SIGTERM or SIGINT. The
Web UI is off. Exits 1 when the server does not come up.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the GGUF file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument("--ctx-size", type=int, default=16384, help="KV cache, all slots together")
    parser.add_argument("--parallel", type=int, default=2, help="slots (concurrent requests)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--alias", default="smollm2-135m-instruct", help="model name clients pass")
    parser.add_argument("--cache-ram", type=int, default=512, help="host prompt cache, MiB")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    import xllamacpp as xlc  # only in the venv llama.sh makes

    params = xlc.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx_size
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.cache_prompt = True
    params.cache_ram_mib = args.cache_ram
    params.ui = False
    # Both cost seconds at every start and buy nothing here: fitting sizes to a GPU's memory,
    # and a dummy decode to warm caches (8 s against 3.4 s to /health under load).
    params.fit_params = False
    params.warmup = False

    stop = {"signal": 0}

    def on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = xlc.Server(params)
    print(f"llama_server: listening on {server.listening_address}", file=sys.stderr, flush=True)
    while not stop["signal"]:
        signal.pause()
    print(f"llama_server: signal {stop['signal']}, exiting", file=sys.stderr, flush=True)
    # The C++ server threads are not joined: the process simply ends.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
