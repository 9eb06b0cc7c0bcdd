"""A library module: no main, no __main__ guard, so not a tool."""


def helper():
    return 1
