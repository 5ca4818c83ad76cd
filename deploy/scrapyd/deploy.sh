#!/usr/bin/env bash
# Ship credcat's spiders to scrapyd: `deploy/scrapyd/deploy.sh TARGET` (a [deploy:TARGET] of scrapy.cfg), or
# `deploy/scrapyd/deploy.sh --build-egg FILE` to build the egg only. Needs scrapyd-client (the `cluster` extra).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/spiders" "$root/scrapy.cfg" "$work/"
rm -rf "$work/spiders/snapshots"
cp "$root/deploy/scrapyd/setup.py" "$work/"
case "${1:-}" in --build-egg) set -- --build-egg "$(realpath -m "$2")" ;; esac
cd "$work"
"${SCRAPYD_DEPLOY:-scrapyd-deploy}" "$@"
