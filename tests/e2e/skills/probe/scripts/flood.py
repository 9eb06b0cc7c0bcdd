"""Write five megabytes to stdout and to stderr."""
import sys


def main():
    chunk = "x" * 1023 + "\n"
    for _ in range(5 * 1024):
        sys.stdout.write(chunk)
        sys.stderr.write(chunk)


if __name__ == "__main__":
    main()
