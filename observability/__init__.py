"""What the service tells its operators: logs, metrics, traces and health, for both processes.

Below the edges and above `config`: `clients`, `streams` and `bridge` use it; generation does
not (it stays free of service libraries, and the worker wraps it in spans and counts it).
"""
