"""Shared helpers: a library module, not a tool."""


def double(x):
    return 2 * x
