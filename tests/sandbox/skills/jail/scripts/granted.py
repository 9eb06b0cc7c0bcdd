"""Run one probe and print what happened."""
import sys

import jaillib


def main(what: str):
    """Args:
        what: The probe to run.
    """
    jaillib.run(what)


if __name__ == "__main__":
    main(*sys.argv[1:])
