"""Routing: which generation path serves a request, and why.

Owns the Intelligence Router (`intelligence.route`), a pure function of the request and of the
paths a worker serves; it never generates anything itself.
"""
