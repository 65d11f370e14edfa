"""Report the size of what a clinic's website loads to embed the portal.

Run: .venv/bin/python bench/embed_size.py

embed.js is on the clinic's page; framed.js is on every portal page shown in a frame.
Sizes are of the files as shipped, and gzipped (level 9, as whitenoise compresses them).
"""

from __future__ import annotations

import gzip
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def main() -> None:
    print(f"{'file':<12} {'bytes':>7} {'gzipped':>8}")
    for name in ("embed.js", "framed.js"):
        raw = (STATIC / name).read_bytes()
        print(f"{name:<12} {len(raw):>7} {len(gzip.compress(raw, 9)):>8}")


if __name__ == "__main__":
    main()
