#!/usr/bin/python3
# Converts a PNG to the raw form the tests read (width and height as two
# little-endian uint32, then RGBA8 rows), so the same test runs natively and
# as wasm without a PNG decoder. A missing PNG leaves no output: the test
# then fails with a message naming the fixture step.
import struct
import sys
from pathlib import Path

from PIL import Image

source, target = Path(sys.argv[1]), Path(sys.argv[2])
if not source.exists():
    print(f"warning: {source} not found (run scripts/make-fixtures)", file=sys.stderr)
    target.unlink(missing_ok=True)
    sys.exit(0)
image = Image.open(source).convert("RGBA")
target.write_bytes(struct.pack("<II", image.width, image.height) + image.tobytes())
