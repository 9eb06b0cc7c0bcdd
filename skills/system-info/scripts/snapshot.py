#!/usr/bin/env python3
"""Report a snapshot of this host: OS, uptime, load, memory and disk usage.

Reads /proc and statvfs only, so it is cheap and safe to run often.
Prints one JSON object with one key per requested section.
"""
import json
import os
import pathlib
import platform
import shutil
import sys
from typing import Literal, Optional

SECTIONS = ("os", "uptime", "load", "memory", "disk")
UNITS = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3}


def _read(path: str) -> str:
    try:
        return pathlib.Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _os_info() -> dict:
    pretty = ""
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.split("=", 1)[1].strip('"')
    return {"hostname": platform.node(), "distribution": pretty,
            "kernel": platform.release(), "machine": platform.machine()}


def _uptime() -> dict:
    secs = int(float((_read("/proc/uptime").split() or ["0"])[0]))
    human = f"{secs // 86400}d {secs % 86400 // 3600}h {secs % 3600 // 60}m"
    return {"seconds": secs, "human": human}


def _memory(unit: int) -> dict:
    kb = {}
    for line in _read("/proc/meminfo").splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            kb[key] = int(value.split()[0])
    out = {k.lower(): round(kb.get(k, 0) * 1024 / unit, 1)
           for k in ("MemTotal", "MemAvailable", "SwapTotal", "SwapFree")}
    total, avail = kb.get("MemTotal", 0), kb.get("MemAvailable", 0)
    out["used_percent"] = round(100 * (total - avail) / total, 1) if total else None
    return out


def _disk(path: str, unit: int, warn: float) -> dict:
    du = shutil.disk_usage(path)
    pct = round(100 * du.used / du.total, 1) if du.total else 0.0
    return {"path": path, "total": round(du.total / unit, 1), "used": round(du.used / unit, 1),
            "free": round(du.free / unit, 1), "used_percent": pct, "low_space": pct >= warn}


def _mounts(limit: int, unit: int, warn: float) -> list:
    out = []
    for line in _read("/proc/mounts").splitlines():
        parts = line.split()
        # Real filesystems only: their source is a device node such as /dev/sda1.
        if len(parts) < 3 or not parts[0].startswith("/") or len(out) >= limit:
            continue
        try:
            out.append(dict(_disk(parts[1], unit, warn), fstype=parts[2]))
        except OSError:
            continue
    return out


def main(sections: list[str] = ["os", "uptime", "load", "memory", "disk"],
         path: str = "/",
         units: Literal["kb", "mb", "gb"] = "mb",
         warn_percent: float = 90.0,
         max_mounts: Optional[int] = None,
         pretty: bool = False) -> None:
    """Collect the requested sections and print them as one JSON object.

    Args:
        sections: Sections to include, any of: os, uptime, load, memory, disk.
        path: Filesystem path whose disk usage the disk section reports.
        units: Unit for every memory and disk size in the output.
        warn_percent: Mark a filesystem as low_space at or above this usage percentage.
        max_mounts: Also report up to this many mounted filesystems; omit for none.
        pretty: Indent the JSON output for reading.
    """
    for s in sections:
        if s not in SECTIONS:
            sys.exit(f"snapshot: unknown section {s!r} (expected one of {', '.join(SECTIONS)})")
    if units not in UNITS:
        sys.exit(f"snapshot: unknown units {units!r} (expected kb, mb or gb)")
    if not os.path.exists(path):
        sys.exit(f"snapshot: path {path!r} does not exist")
    unit, result = UNITS[units], {"units": units}
    for name, fn in (("os", _os_info), ("uptime", _uptime)):
        if name in sections:
            result[name] = fn()
    if "load" in sections:
        load = [round(x, 2) for x in os.getloadavg()]
        result["load"] = dict(zip(("1m", "5m", "15m"), load), cpus=os.cpu_count())
    if "memory" in sections:
        result["memory"] = _memory(unit)
    if "disk" in sections:
        result["disk"] = _disk(path, unit, warn_percent)
    if max_mounts:  # capped so the output stays small on hosts with many mounts
        result["mounts"] = _mounts(min(max_mounts, 100), unit, warn_percent)
    print(json.dumps(result, indent=2 if pretty else None))


def _fail(kind, err, tb) -> None:  # a one-line message instead of a traceback
    print(f"snapshot: error: {err}", file=sys.stderr)


if __name__ == "__main__":
    sys.excepthook = _fail
    main(**json.load(sys.stdin))
