"""Resize an image.

Longer text that is not part of the description.
"""
import json
import sys
from typing import List, Literal, Optional


def main(path: str, width: int, height: Optional[int] = None, scale: float = 1.0,
         keep: bool = True, tags: List[str] = [], fmt: Literal["png", "jpeg"] = "png",
         quality: int | None = None, mystery=3):
    """Resize.

    Args:
        path: Image to read.
        width (int): Target width
            in pixels.
        height: Target height.
        fmt: Output format.
    """


if __name__ == "__main__":
    main(**json.load(sys.stdin))
