"""Print forever."""
import sys


def main():
    line = "x" * 1023 + "\n"
    while True:
        sys.stdout.write(line)


if __name__ == "__main__":
    main()
