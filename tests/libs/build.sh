#!/usr/bin/env bash
# Regenerates the fixtures tests/libs.rs runs, from the packages pinned in
# package-lock.json: each entries/NAME.js bundled by esbuild as a classic
# script (bundles/NAME.js, the libraries unmodified), what node prints for
# it (expected/NAME.txt), and each package's licence (licenses/). Needs
# node and npm (the registry); the tests themselves need neither.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
for entry in entries/*.js; do
    name=$(basename "$entry" .js)
    node_modules/.bin/esbuild "$entry" --bundle --format=iife \
        --legal-comments=inline --log-level=error --outfile="bundles/$name.js"
    node "bundles/$name.js" >"expected/$name.txt"
done
for pkg in $(node -p 'Object.keys(require("./package.json").dependencies).join(" ")'); do
    licence=$(ls "node_modules/$pkg" | grep -i -m1 '^licen[cs]e' || true)
    if [ -n "$licence" ]; then
        cp "node_modules/$pkg/$licence" "licenses/$pkg.txt"
    else
        echo "$pkg: no licence file; see its package.json" >"licenses/$pkg.txt"
    fi
done
echo "bundles and expected outputs written; run: cargo test --test libs"
