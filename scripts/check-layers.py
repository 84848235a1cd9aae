#!/usr/bin/env python3
"""Checks that no room of src/ includes a room above it (docs/architecture.md, "Rooms").

Each room may include its own files and those of the rooms listed for it below; tests
(*_test.cc), fuzz targets (*_fuzz.cc) and test-only tools may also use higher rooms, to test a
room's output end to end (a collector's test feeds a real Store). Exits 1 and lists every
offending include otherwise. Run by CTest (layering_test) and usable on its own:
    scripts/check-layers.py [SRC_DIR]
"""
import pathlib
import re
import sys

# room -> rooms it may include (besides itself). Lower rooms first.
MAY_USE = {
    "util": set(),
    "model": {"util"},
    "config": {"util"},
    "telemetry": {"model", "util"},
    "analytics": {"model", "util"},
    "collectors": {"model", "util", "config", "telemetry"},
    "store": {"model", "analytics", "util"},
    "storage": {"model", "analytics", "util"},
    "exposition": {"model", "util", "telemetry"},
    "http": {"util"},
    "web": {"model", "util", "telemetry"},
    "app": {"util", "model", "config", "telemetry", "analytics", "collectors", "store",
            "storage", "exposition", "http", "web", "app"},
    "tools": {"util", "model", "config", "telemetry", "analytics", "collectors", "store",
              "storage", "exposition", "http", "web", "app"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(relative: pathlib.PurePath) -> str:
    return relative.parts[0]


def is_test_only(path: pathlib.Path) -> bool:
    name = path.name
    return (name.endswith("_test.cc") or name.endswith("_fuzz.cc") or name.endswith("_test_util.h")
            or name == "rtnetlink_capture.cc")


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                       pathlib.Path(__file__).resolve().parent.parent / "src")
    problems = []
    files = sorted(p for p in src.rglob("*") if p.suffix in (".h", ".cc"))
    if not files:
        print(f"check-layers: no sources under {src}", file=sys.stderr)
        return 1
    for path in files:
        relative = path.relative_to(src)
        room = room_of(relative)
        if room not in MAY_USE:
            problems.append(f"{relative}: room '{room}' is not in the rooms table")
            continue
        if is_test_only(path):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            target_room = target.split("/")[0]
            if "/" not in target:
                continue  # a generated or same-folder header
            if target_room not in MAY_USE:
                problems.append(f"{relative}:{number}: includes \"{target}\", outside src/")
            elif target_room != room and target_room not in MAY_USE[room]:
                problems.append(f"{relative}:{number}: {room} may not include \"{target}\"")
    for problem in problems:
        print(problem)
    print(f"check-layers: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
