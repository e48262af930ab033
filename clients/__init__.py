"""Typed clients for every paymesh service and the `paymesh` command.

Services talk to each other only through these: a client channel carries the context id
(x-context-id + W3C baggage), the trace, and a default deadline on every call, so no caller
threads them by hand.
"""
