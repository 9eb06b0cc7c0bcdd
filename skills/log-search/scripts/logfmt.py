"""Shared helpers for the log-search tools: open plain or gzipped logs and
detect the severity level of a line.

This is a library module: it has no main and is imported by sibling scripts.
"""
import gzip
import re
from typing import Iterator, Optional

LEVELS = ("debug", "info", "notice", "warning", "error", "critical")

# Common spellings, matched as whole words anywhere in "WARN", "[error]",
# "level=info" or "<3>err:" styles; each maps to one of LEVELS.
_ALIASES = {"trace": "debug", "debug": "debug", "info": "info", "notice": "notice",
            "warn": "warning", "warning": "warning", "err": "error", "error": "error",
            "fatal": "critical", "crit": "critical", "critical": "critical",
            "alert": "critical", "emerg": "critical", "panic": "critical"}
_LEVEL_RE = re.compile(r"\b(" + "|".join(sorted(_ALIASES, key=len, reverse=True)) + r")\b",
                       re.IGNORECASE)

MAX_LINE = 4096  # longer lines are cut so one minified blob cannot flood the output


def detect_level(line: str) -> Optional[str]:
    """Return the normalised level named in the line, or None."""
    m = _LEVEL_RE.search(line, 0, 200)  # levels sit near the start of a line
    return _ALIASES[m.group(1).lower()] if m else None


def level_rank(level: Optional[str]) -> int:
    """Order levels so that a minimum can be compared; unknown ranks lowest."""
    return LEVELS.index(level) if level in LEVELS else -1


def read_lines(path: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) from a log file, decompressing .gz files.

    Undecodable bytes are replaced rather than failing the whole file.
    Raises OSError when the file cannot be opened.
    """
    if path.endswith(".gz"):
        f = gzip.open(path, "rt", encoding="utf-8", errors="replace")
    else:
        f = open(path, encoding="utf-8", errors="replace")
    with f:
        for number, line in enumerate(f, 1):
            yield number, line.rstrip("\n")[:MAX_LINE]
