#!/usr/bin/env bash
# The package as a clerk installs it: `pip install .` WITHOUT extras into a fresh venv
# (non-editable), then one job per input kind run from outside the source tree, so a
# runtime import that only the test extras bring (olefile once) fails CI.
#   usage: .ci/plain_install.sh   (after .ci/run has made .venv with the test extras)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/plain"
"$work/plain/bin/pip" install -q "$repo" 2> >(grep -v "^WARNING: Location" >&2)
cd "$work"  # not the repo: only the installed package is importable
py="$work/plain/bin/python"
samples="$("$py" -c 'import parc_xl.samples, os; print(os.path.dirname(parc_xl.samples.__file__))')"

for kind in docx xlsx txt; do
  "$py" -m parc_xl plan import --year 2026 -o "master_$kind.xlsx" "$samples/ke_hoach_mau.$kind" --json > "import_$kind.json"
  echo "plain install: plan import .$kind -> $(wc -c < "master_$kind.xlsx") bytes"
done
"$py" -m parc_xl units generate --period 2026-Q1 -o units master_docx.xlsx --json > units.json
first="$(ls units/*.xlsx | head -1)"
"$py" -m parc_xl validate --master master_docx.xlsx "$first" --json > validate.json || true
"$py" - <<'PY'
import json
v = json.load(open("validate.json"))
assert v["files"] and not any(p["code"] in ("encrypted", "not-xlsx") for f in v["files"] for p in f.get("problems", [])), v
PY
# an encrypted return (made with the dev venv's msoffcrypto: the plain venv only reads it)
"$repo/.venv/bin/python" - "$first" enc.xlsx <<'PY'
import sys, msoffcrypto
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as out:
    msoffcrypto.OfficeFile(src).encrypt("matkhau", out)
PY
set +e
"$py" -m parc_xl validate enc.xlsx --json > enc.json
set -e
"$py" - <<'PY'
import json
text = open("enc.json").read()
assert '"encrypted"' in text and "xls-format" not in text, text
PY
"$work/plain/bin/parc-xl" addin build --macros "$repo/macros" -o addin.xlam >/dev/null
echo "plain install: docx/xlsx/txt imports, a unit return, an encrypted return and addin build --macros all ran"
