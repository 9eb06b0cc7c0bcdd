"""Sphinx-style parameters."""
import sys


def main(src, dst: str):
    """Copy a file.

    :param src: The source.
    :type src: str
    :param str dst: The destination.
    """


if __name__ == "__main__":
    main(*sys.argv[1:])
