"""Echo the JSON arguments back, with their Python types."""
import json
import sys
from typing import Literal, Optional


def main(text: str, times: int = 1, scale: Optional[float] = None,
         loud: bool = False, words: list[str] = [],
         kind: Literal["a", "b"] = "a"):
    """Echo the arguments.

    Args:
        text: The text to echo.
        times: How many times.
        scale: A scale factor.
        loud: Upper-case the text.
        words: Extra words.
        kind: A kind.
    """
    out = {"text": (text.upper() if loud else text) * times, "scale": scale,
           "words": words, "kind": kind, "types": [type(times).__name__]}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main(**json.load(sys.stdin))
