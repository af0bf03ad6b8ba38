"""Routing: which generation path serves a request, and why.

Owns the Intelligence Router, a pure function of the request and of the paths available in
this process; it never generates anything itself. `GenerationPath` lives in `generators.base`
(so generators need not import the router) and is re-exported here.
"""

from generators.core.protocol import GenerationPath
from router.intelligence import IntelligenceRouter, RoutingDecision, Signal, route, routing_signals

__all__ = [
    "GenerationPath",
    "IntelligenceRouter",
    "RoutingDecision",
    "Signal",
    "route",
    "routing_signals",
]
