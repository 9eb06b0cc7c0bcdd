"""Convert a file."""
import argparse


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src", help="Source")
    p.add_argument("--to", help="Target format")
    p.parse_args()


if __name__ == "__main__":
    main()
