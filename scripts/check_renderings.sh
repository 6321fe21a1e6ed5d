#!/usr/bin/env bash
# Do the PDF and Word outputs of a build open in other people's software?
#   - the PDF renders to PNG pages with poppler's pdftoppm (every page, no errors);
#   - the Word file converts to PDF with LibreOffice headless, and that PDF renders too;
#   - the pages with the widest tables (most cells in a row, and every landscape page) of both are
#     saved larger in OUT_DIR/widest-tables/ for a reviewer to look at.
# Usage: scripts/check_renderings.sh [EDITION_DIR [OUT_DIR]]
#   EDITION_DIR  default: the newest edition under build/
#   OUT_DIR      where the PNG pages and the converted PDF go; default: a new temporary folder
# Needs: poppler-utils (pdftoppm, pdfinfo), LibreOffice writer (see .ci/install-system-packages.sh) and
# pdfplumber (the test extra).
# Exits 1 on any error. Nothing is written into the build.
set -euo pipefail
cd "$(dirname "$0")/.."

edition="${1:-}"
if [ -z "$edition" ]; then
  edition="$(ls -1dt build/*/output 2>/dev/null | head -n 1 | xargs -r dirname)"
  [ -n "$edition" ] || { echo "check_renderings: no built edition under build/; run vawg build first" >&2; exit 1; }
fi
output="$edition/output"
[ -d "$output" ] || output="$edition"
pdf="$output/report.pdf"
docx="$output/report.docx"
out="${2:-$(mktemp -d -t vawg-renderings.XXXXXX)}"

soffice_bin="$(command -v soffice || command -v libreoffice || true)"
for tool in pdftoppm pdfinfo; do
  command -v "$tool" >/dev/null || { echo "check_renderings: $tool not found (apt-get install poppler-utils)" >&2; exit 1; }
done
[ -n "$soffice_bin" ] || { echo "check_renderings: LibreOffice not found (apt-get install libreoffice-writer-nogui)" >&2; exit 1; }
[ -f "$pdf" ] || { echo "check_renderings: $pdf not found" >&2; exit 1; }
[ -f "$docx" ] || { echo "check_renderings: $docx not found" >&2; exit 1; }

mkdir -p "$out/pdf-pages" "$out/docx-pages" "$out/lo-profile"
failed=0

# render_pages PDF FOLDER LABEL: every page to PNG; fail on any poppler error or missing page.
render_pages() {
  local file="$1" folder="$2" label="$3" pages errors
  if ! pages="$(pdfinfo "$file" 2>"$folder/pdfinfo.err" | awk '/^Pages:/ {print $2}')" || [ -z "$pages" ]; then
    echo "FAIL $label: pdfinfo cannot read $file: $(cat "$folder/pdfinfo.err")" >&2; return 1
  fi
  if ! pdftoppm -png -r 60 "$file" "$folder/page" 2>"$folder/pdftoppm.err"; then
    echo "FAIL $label: pdftoppm failed on $file: $(cat "$folder/pdftoppm.err")" >&2; return 1
  fi
  errors="$(grep -i -E 'error' "$folder/pdftoppm.err" || true)"
  if [ -n "$errors" ]; then
    echo "FAIL $label: pdftoppm reported errors on $file:" >&2; echo "$errors" >&2; return 1
  fi
  local made
  made="$(find "$folder" -name 'page-*.png' -size +0 | wc -l)"
  if [ "$made" -ne "$pages" ]; then
    echo "FAIL $label: $pages pages but $made PNG files" >&2; return 1
  fi
  echo "ok   $label: $pages pages rendered to $folder"
}

render_pages "$pdf" "$out/pdf-pages" "PDF ($pdf)" || failed=1

# LibreOffice: a private profile so it never touches (or waits for) a user's own instance.
profile_url="file://$(cd "$out/lo-profile" && pwd)"
if ! timeout 300 "$soffice_bin" -env:UserInstallation="$profile_url" --headless --norestore --nologo \
     --convert-to pdf --outdir "$out" "$docx" >"$out/libreoffice.log" 2>&1; then
  echo "FAIL Word ($docx): LibreOffice failed:" >&2; cat "$out/libreoffice.log" >&2; failed=1
elif grep -q -i -E '^Error|error:' "$out/libreoffice.log"; then
  echo "FAIL Word ($docx): LibreOffice reported errors:" >&2; cat "$out/libreoffice.log" >&2; failed=1
elif [ ! -s "$out/report.pdf" ]; then
  echo "FAIL Word ($docx): LibreOffice wrote no PDF:" >&2; cat "$out/libreoffice.log" >&2; failed=1
else
  echo "ok   Word ($docx): converted by LibreOffice to $out/report.pdf"
  render_pages "$out/report.pdf" "$out/docx-pages" "Word as PDF" || failed=1
fi
rm -rf "$out/lo-profile"

# widest_table_pages PDF LABEL: the pages whose table rows hold the most cells (words apart on one line)
# and every landscape page, rendered larger into $out/widest-tables/ for a reviewer to look at.
widest_table_pages() {
  local file="$1" label="$2" pages
  if ! pages="$(python3 - "$file" <<'PY'
import sys
import pdfplumber

scores = []
with pdfplumber.open(sys.argv[1]) as pdf:
    for number, page in enumerate(pdf.pages, start=1):
        lines = {}
        for word in page.extract_words(x_tolerance=1.5):
            lines.setdefault(round(word["top"]), []).append(word)
        # cells on a line: runs of words separated by a gap wider than two spaces
        cells = max((1 + sum(1 for a, b in zip(ws, ws[1:]) if b["x0"] - a["x1"] > 8)
                     for ws in (sorted(ws, key=lambda w: w["x0"]) for ws in lines.values())), default=0)
        scores.append((cells, page.width > page.height, number))
chosen = {n for _, landscape, n in scores if landscape}
chosen |= {n for _, _, n in sorted(scores, reverse=True)[:6]}
print(" ".join(str(n) for n in sorted(chosen)))
PY
)"; then
    echo "FAIL $label: could not measure the tables (pip install pdfplumber)" >&2; return 1
  fi
  mkdir -p "$out/widest-tables"
  for page in $pages; do
    pdftoppm -png -r 110 -f "$page" -l "$page" "$file" "$out/widest-tables/$label-page" 2>/dev/null || return 1
  done
  echo "ok   $label: widest-table pages $pages saved in $out/widest-tables"
}

widest_table_pages "$pdf" "pdf" || failed=1
[ -s "$out/report.pdf" ] && { widest_table_pages "$out/report.pdf" "word" || failed=1; }

if [ "$failed" -ne 0 ]; then
  echo "check_renderings: FAILED" >&2
  exit 1
fi
echo "check_renderings: PDF and Word render without errors (pages in $out)"
