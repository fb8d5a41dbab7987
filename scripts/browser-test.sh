#!/usr/bin/env bash
# Loads every dashboard page in headless Chromium, keeps a screenshot of each, and fails when
# a page cannot be loaded, lacks the navigation bar, is an error page, or has fewer charts
# than it must have with data.
#
#   scripts/browser-test.sh BASE_URL OUT_DIR
#   scripts/browser-test.sh http://127.0.0.1:8080 .build/browser-test
#
# One line per page on standard output; exit status 1 when any page failed. The minimum
# chart count of a page can be changed with MIN_CHARTS_<PAGE> (e.g. MIN_CHARTS_DRIFT=0).
# Chromium (the Debian package `chromium`) is installed with apt-get when missing.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL OUT_DIR" >&2
    exit 2
fi
BASE_URL="${1%/}"
OUT_DIR="$2"
mkdir -p "$OUT_DIR" || { echo "browser-test: cannot create $OUT_DIR" >&2; exit 2; }

find_chromium() {
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
    done
    return 1
}

if ! CHROMIUM="$(find_chromium)"; then
    echo "browser-test: chromium not found, installing it with apt-get" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
    CHROMIUM="$(find_chromium)" || { echo "browser-test: chromium could not be installed" >&2; exit 2; }
fi

PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
LOG="$OUT_DIR/chromium.log"
: > "$LOG"

chromium_run() {
    timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage \
        --no-first-run --no-default-browser-check --user-data-dir="$PROFILE" "$@" 2>>"$LOG"
}

# name | path | charts the page must have with data
PAGES=(
    "overview|/|1"
    "statistics|/statistics?x=body_mass_g&y=bill_depth_mm&colour=island|5"
    "regression|/regression?target=body_mass_g&predictors=flipper_length_mm&predictors=sex|2"
    "classification|/classification|2"
    "drift|/drift|4"
    "drift_simulation|/drift?current=simulation|4"
    "predict|/predict?bill_length_mm=45&bill_depth_mm=17&flipper_length_mm=200&body_mass_g=4200|1"
    "datasets|/datasets|0"
    "dataset_iris|/datasets/iris?x=petal_length_cm&y=petal_width_cm&colour=species|2"
    "dataset_iris_regression|/datasets/iris/regression?target=petal_width_cm&predictors=petal_length_cm&predictors=species|2"
    "dataset_iris_classification|/datasets/iris/classification|2"
    "dataset_iris_drift|/datasets/iris/drift|8"
    "benchmarks|/benchmarks|0"
)

failures=0
for entry in "${PAGES[@]}"; do
    IFS='|' read -r name path minimum <<<"$entry"
    override="MIN_CHARTS_$(echo "$name" | tr '[:lower:]' '[:upper:]')"
    minimum="${!override:-$minimum}"
    url="$BASE_URL$path"
    problem=""

    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$url" 2>/dev/null || true)"
    if [ "$status" != "200" ]; then
        if [ "${status:-000}" = "000" ]; then problem="no answer from the server (cannot load)"; else problem="HTTP status $status (cannot load)"; fi
    fi

    dom=""
    if [ -z "$problem" ]; then
        dom="$(chromium_run --dump-dom "$url")" || problem="chromium could not load the page (see $LOG)"
    fi
    printf '%s\n' "$dom" > "$OUT_DIR/$name.html"

    charts="$(grep -o 'data-chart="' <<<"$dom" | wc -l | tr -d ' ')"
    if [ -z "$problem" ]; then
        if ! grep -q 'id="site-nav"' <<<"$dom"; then
            problem="no navigation bar"
        elif grep -q 'data-page="error"' <<<"$dom"; then
            problem="shows an error page"
        elif [ "$charts" -lt "$minimum" ]; then
            problem="$charts charts, expected at least $minimum"
        fi
    fi

    shot="$OUT_DIR/$name.png"
    rm -f "$shot"
    chromium_run --window-size=1280,2400 --screenshot="$shot" "$url" >/dev/null
    if [ -z "$problem" ] && [ ! -s "$shot" ]; then
        problem="no screenshot (see $LOG)"
    fi

    if [ -z "$problem" ]; then
        printf 'ok    %-15s %-4s charts=%s (min %s)  %s\n' "$name" "$status" "$charts" "$minimum" "$shot"
    else
        printf 'FAIL  %-15s %s: %s\n' "$name" "$url" "$problem"
        failures=$((failures + 1))
    fi
done

if [ "$failures" -gt 0 ]; then
    echo "browser-test: $failures page(s) failed; screenshots and DOMs in $OUT_DIR" >&2
    exit 1
fi
echo "browser-test: every page loaded with its navigation bar and charts; screenshots in $OUT_DIR"
