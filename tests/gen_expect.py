#!/usr/bin/env python3
"""Appends `// expect:` lines to scripts that have none, from what node prints.

Usage: tests/gen_expect.py tests/scripts/some/dir_or_file.js ...
Only for writing new tests: the test suite itself never needs node.
"""
import pathlib, subprocess, sys

def files(args):
    for a in args:
        p = pathlib.Path(a)
        yield from sorted(p.rglob("*.js")) if p.is_dir() else [p]

for f in files(sys.argv[1:]):
    src = f.read_text()
    if "// expect" in src:
        continue
    r = subprocess.run(["node", str(f)], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        print(f"{f}: node failed:\n{r.stderr}", file=sys.stderr)
        continue
    lines = r.stdout.splitlines()
    block = "\n".join(f"// expect: {l}" if l else "// expect:" for l in lines)
    f.write_text(src.rstrip("\n") + "\n\n" + block + "\n")
    print(f"{f}: {len(lines)} lines")
