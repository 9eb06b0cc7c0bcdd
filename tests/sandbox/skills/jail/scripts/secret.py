"""Print the secrets given, and which undeclared variables leaked in."""
import os


def main():
    for name in ("JAIL_TOKEN", "JAIL_OPTIONAL", "JAIL_UNDECLARED", "JAIL_MARKER"):
        print("%s=%s" % (name, os.environ.get(name, "(unset)")))


if __name__ == "__main__":
    main()
