#!/usr/bin/env python3
"""Runs the in-scope test262 tests (tests/test262/SCOPE.md) against a
kitwork binary and prints the pass count and the most common reasons for
failing; with --write, records the failing tests as the expected-failures
list (`path  # reason`: the first line kitwork printed), and otherwise
compares with it.

  python3 scripts/test262.py [--kitwork target/release/kitwork] [--write]

The archive is extracted once into target/test262/.
"""
import argparse, collections, json, os, re, subprocess, sys, tarfile, threading
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared = os.path.join(root, "tests", "test262")
dest = os.path.join(root, "target", "test262")
expected_path = os.path.join(root, "tests", "test262-expected-failures.txt")

def extract():
    if not os.path.isdir(os.path.join(dest, "test")):
        os.makedirs(dest, exist_ok=True)
        archive = [f for f in os.listdir(shared) if f.endswith(".tar.xz")][0]
        with tarfile.open(os.path.join(shared, archive)) as t:
            t.extractall(dest)

def meta(text):
    m = re.search(r"/\*---(.*?)---\*/", text, re.S)
    return m.group(1) if m else ""

def listed(block, key):
    m = re.search(rf"^\s*{key}:\s*\[(.*?)\]", block, re.M | re.S)
    if m:
        return [x.strip() for x in m.group(1).split(",") if x.strip()]
    m = re.search(rf"^\s*{key}:\s*\n((?:\s+-\s*.*\n)+)", block, re.M)
    return [x.strip()[1:].strip() for x in m.group(1).splitlines()] if m else []

def under(rel, dirs):
    return any(rel.startswith(d + "/") for d in dirs)

def in_scope(rel, text, block, scope):
    """None when out of scope, else whether it is a module test (scope.json's
    `modules` entry: run in place, beside the fixtures it imports)."""
    modules = scope["modules"]
    module = under(rel, modules["include_dirs"]) or (
        "module" in listed(block, "flags") and under(rel, scope["include_dirs"]) and not under(rel, scope["exclude_dirs"]))
    if module:
        if under(rel, modules["exclude_dirs"]):
            return None
        rules = dict(scope, exclude_flags=modules["exclude_flags"], allowed_features=modules["allowed_features"])
    else:
        if not under(rel, scope["include_dirs"]) or under(rel, scope["exclude_dirs"]):
            return None
        rules = scope
    return module if in_scope_by(rel, text, block, rules) else None

def in_scope_by(rel, text, block, scope):
    if "_FIXTURE" in rel:
        return False
    if any(f in scope["exclude_flags"] for f in listed(block, "flags")):
        return False
    if any(f not in scope["allowed_features"] for f in listed(block, "features")):
        return False
    if any(i not in scope["allowed_includes"] for i in listed(block, "includes")):
        return False
    return not any(re.search(p, text) for p in scope["source_patterns"].values())

# A module test may import another test of its folder by name, which must
# be as the suite has it: one module test of a folder at a time is
# rewritten (running two at once made the outcome a race).
folder_locks = collections.defaultdict(threading.Lock)
folder_locks_guard = threading.Lock()

def run(kitwork, path, rel, module):
    if module:
        with folder_locks_guard:
            lock = folder_locks[os.path.dirname(path)]
        with lock:
            return run_unlocked(kitwork, path, rel, module)
    return run_unlocked(kitwork, path, rel, module)

def run_unlocked(kitwork, path, rel, module):
    text = open(path, encoding="utf-8", errors="replace").read()
    block = meta(text)
    flags = listed(block, "flags")
    parts = []
    if "raw" not in flags:
        parts.append('"use strict";\n')
        if "async" in flags:
            # The host's `print`, which doneprintHandle.js reports through.
            parts.append("function print(message) { console.log(message); }\n")
        names = ["assert.js", "sta.js"] + (["doneprintHandle.js"] if "async" in flags else []) + listed(block, "includes")
        for n in names:
            parts.append(open(os.path.join(dest, "harness", n), encoding="utf-8").read())
        if "async" in flags:
            # A host runs the harness as a script, whose functions are the
            # global object's (asyncHelpers.js looks for `$DONE` there); a
            # Kitwork file's top-level functions are its own.
            parts.append("globalThis.$DONE = $DONE;\n")
    # `flags: [module]`: a module by its content, as Kitwork decides the
    # goal (an empty `export {}` exports nothing).
    parts.append(text + ("\nexport {};\n" if "module" in flags else ""))
    # A module test is rewritten in place (its fixtures, and sometimes the
    # test itself, are imported by relative name) and put back after.
    src = path if module else os.path.join(dest, "run", rel.replace("/", "__"))
    with open(src, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    try:
        p = subprocess.run([kitwork, "run", "--budget", "200000000", "--unhandled-rejections", "warn", src], capture_output=True, text=True, timeout=10)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        code, out, err = -1, "", "timeout"
    if module:
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        os.unlink(src)
    # The first lines kitwork printed, joined: an uncaught `Test262Error {`
    # carries its message on the lines after.
    said = " ".join(l.strip() for l in err.splitlines()[:4] if l.strip() and not l.strip().startswith("-->"))[:120]
    neg = re.search(r"negative:\s*\n\s*phase:\s*(\w+)\s*\n\s*type:\s*(\w+)", block)
    if neg:
        phase, kind = neg.groups()
        if phase in ("parse", "early", "resolution"):
            return code == 2, said or f"no {kind} at compile time"
        return code == 1 and kind in err, said or f"no {kind} thrown"
    if "async" in flags:
        ok = code == 0 and "Test262:AsyncTestComplete" in out
        return ok, said or "the async test did not complete"
    return code == 0, said

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kitwork", default=os.path.join(root, "target", "release", "kitwork"))
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--all-new", action="store_true", help="list every new failure with its reason")
    ap.add_argument("--only", default="", help="run only the tests whose path starts with this")
    a = ap.parse_args()
    extract()
    os.makedirs(os.path.join(dest, "run"), exist_ok=True)
    scope = json.load(open(os.path.join(shared, "scope.json")))
    tests = []
    for d, _, files in os.walk(os.path.join(dest, "test")):
        for f in files:
            if f.endswith(".js"):
                path = os.path.join(d, f)
                rel = os.path.relpath(path, os.path.join(dest, "test"))
                text = open(path, encoding="utf-8", errors="replace").read()
                module = in_scope(rel, text, meta(text), scope) if rel.startswith(a.only) else None
                if module is not None:
                    tests.append((path, rel, module))
    tests.sort(key=lambda t: t[1])
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda t: (t[1], run(a.kitwork, *t)), tests))
    modules = [rel for _, rel, m in tests if m]
    bad_modules = sum(1 for rel, (ok, _) in results if not ok and rel in set(modules))
    reasons = {rel: why for rel, (ok, why) in results if not ok}
    failing = sorted(reasons)
    passed = len(results) - len(failing)
    print(f"{passed} of {len(results)} in-scope tests pass ({100 * passed / len(results):.1f}%)")
    for part in ("language/", "built-ins/"):
        n = sum(1 for rel, _ in results if rel.startswith(part))
        bad = sum(1 for rel in failing if rel.startswith(part))
        if n:
            print(f"  {part:10} {n - bad} of {n} ({100 * (n - bad) / n:.1f}%)")
    if modules:
        print(f"  modules    {len(modules) - bad_modules} of {len(modules)} ({100 * (len(modules) - bad_modules) / len(modules):.1f}%)")
    common = {}
    for why in reasons.values():
        key = re.sub(r"\s*-->.*$", "", why)
        common[key] = common.get(key, 0) + 1
    print("most common reasons for failing:")
    for why, n in sorted(common.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {n:6d}  {why}")
    if a.write:
        # With --only, the entries outside the prefix are kept as they were.
        kept = [l for l in open(expected_path) if l.strip() and not l.startswith(a.only)] if a.only and os.path.exists(expected_path) else []
        lines = kept + [f"{rel}  # {reasons[rel]}\n" for rel in failing]
        with open(expected_path, "w") as f:
            f.write("".join(sorted(lines)))
        print(f"wrote {expected_path}")
        return
    if os.path.exists(expected_path):
        expected = {l.split("#")[0].strip() for l in open(expected_path) if l.strip() and l.startswith(a.only)}
        now_pass = sorted(expected - set(failing))
        new_fail = sorted(set(failing) - expected)
        print(f"{len(now_pass)} expected failures now pass; {len(new_fail)} new failures")
        for t in new_fail if a.all_new else new_fail[:50]:
            print("  new failure:", t, " # " + reasons[t] if a.all_new else "")
        sys.exit(1 if new_fail or now_pass else 0)

if __name__ == "__main__":
    main()
