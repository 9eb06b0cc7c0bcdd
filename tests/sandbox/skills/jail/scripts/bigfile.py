"""Write 1 MiB to a file in TMPDIR."""
import os

import jaillib


def grow():
    with open(os.path.join(os.environ["TMPDIR"], "big"), "wb") as f:
        for _ in range(16):
            f.write(b"x" * 65536)
            f.flush()
    return "1 MiB"


def main():
    print(jaillib.attempt(grow))


if __name__ == "__main__":
    main()
