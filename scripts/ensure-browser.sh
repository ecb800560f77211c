#!/usr/bin/env bash
# Makes sure the headless browser for the e2e tests (tests/e2e) is installed: Debian's
# chromium and chromium-driver at /usr/bin/chromium, plus one small Chinese font
# (fonts-wqy-microhei) when the machine has none, so that pages render Chinese text
# instead of empty boxes (the 360 px layout check measures real glyph widths).
# Playwright never downloads a browser of its own here; the tests drive this one.
#
# Exit 0 when /usr/bin/chromium is present afterwards, non-zero otherwise.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
packages=()

if [ -x "$CHROMIUM" ]; then
    echo "ensure-browser: $CHROMIUM is present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))."
else
    echo "ensure-browser: $CHROMIUM is missing."
    packages+=(chromium chromium-driver)
fi

if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; then
    echo "ensure-browser: a Chinese font is installed."
else
    echo "ensure-browser: no Chinese font found."
    packages+=(fonts-wqy-microhei)
fi

if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-browser: not root; install the missing packages with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
elif ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: apt-get is not available on this machine; cannot install ${packages[*]}." >&2
else
    export DEBIAN_FRONTEND=noninteractive
    echo "ensure-browser: running apt-get update ..."
    apt-get update -q
    echo "ensure-browser: installing the Debian packages ${packages[*]} ..."
    apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

if [ -x "$CHROMIUM" ]; then
    echo "ensure-browser: ready: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")."
    exit 0
fi
echo "ensure-browser: $CHROMIUM is still missing." >&2
exit 1
