"""Allocate 1 GiB at once."""


def main():
    block = bytearray(1 << 30)
    print("allocated", len(block))


if __name__ == "__main__":
    main()
