#!/usr/bin/env python3
"""Compute checksums of files, or of every file under a directory.

Use it to verify a download, compare two copies of a tree, or record a
baseline before changing files. Prints a JSON list of {path, size, digest}.
"""
import hashlib
import json
import os
import sys
from typing import Literal

HARD_CAP = 1000


def _walk(paths: list[str], recursive: bool):
    for path in paths:
        if os.path.isdir(path):
            if not recursive:
                raise ValueError(f"{path!r} is a directory (set recursive to hash its files)")
            for root, dirs, files in os.walk(path):
                dirs.sort()  # a stable order makes two runs comparable line by line
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if os.path.isfile(full) and not os.path.islink(full):
                        yield full
        elif os.path.isfile(path):
            yield path
        else:
            raise ValueError(f"{path!r} is not a file or directory")


def _digest(path: str, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(paths: list[str],
         algorithm: Literal["sha256", "sha1", "md5", "blake2b"] = "sha256",
         recursive: bool = False,
         max_files: int | None = None) -> None:
    """Hash each file and print the results as JSON.

    Args:
        paths: Files or directories to hash.
        algorithm: Hash algorithm to use.
        recursive: Descend into directories given in paths.
        max_files: Stop after this many files; omit for the built-in cap of 1000.
    """
    if not paths or isinstance(paths, str):
        sys.exit("checksums: paths must be a non-empty list of files or directories")
    if algorithm not in ("sha256", "sha1", "md5", "blake2b"):
        sys.exit(f"checksums: unsupported algorithm {algorithm!r}")
    limit = min(max_files or HARD_CAP, HARD_CAP)
    out, truncated = [], False
    try:
        for path in _walk(paths, recursive):
            if len(out) >= limit:
                truncated = True
                break
            try:
                out.append({"path": path, "size": os.path.getsize(path),
                            "digest": _digest(path, algorithm)})
            except OSError as e:
                out.append({"path": path, "error": e.strerror})
    except ValueError as e:
        sys.exit(f"checksums: {e}")
    print(json.dumps({"algorithm": algorithm, "files": out, "truncated": truncated}, indent=1))


def _fail(kind, err, tb) -> None:  # a one-line message instead of a traceback
    print(f"checksums: error: {err}", file=sys.stderr)


if __name__ == "__main__":
    sys.excepthook = _fail
    main(**json.load(sys.stdin))
