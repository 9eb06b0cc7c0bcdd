"""Count the words of a text."""
import json
import sys


def main(text: str):
    """Count the words.

    Args:
        text: The text.
    """
    words = text.split()
    print(json.dumps({"count": len(words), "words": words, "longest": max(words, key=len, default=None)}))


if __name__ == "__main__":
    main(**json.load(sys.stdin))
