"""Print the allowed hosts, and whether a socket can be made."""
import os

import jaillib


def main():
    print(os.environ.get("SKILLC_ALLOWED_HOSTS", "(unset)"))
    print(jaillib.attempt(jaillib.tcp))


if __name__ == "__main__":
    main()
