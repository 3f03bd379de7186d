#!/bin/sh
# SPDX-License-Identifier: MIT
# t_report.sh -- report.html (--report FILE, [output] report; docs/report.md):
# written with the run's other files (a failed run leaves the previous one),
# self-contained (nothing fetched: no src=, href= or url() to anything), text
# from rules and data HTML-escaped, and in Debian's headless chromium: loads
# with no console error and draws every chart (the page's script writes what
# it drew into <body data-*>, read with --dump-dom), for the retail sample
# and for 200 micro segments x 10 macro splits. Skips the browser checks
# when chromium is not installed.

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CLEAVE_BUILD:-$root/build}
cleave=$build/cleave
plugins=$build/plugins
gen=$build/tools/gen_retail
ini=$root/tests/fixtures/e2e/retail.ini

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t_report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp" || exit 1
. "$root/tests/tap.sh"

"$gen" --rows 5000 --seed 1 > in.csv
"$cleave" run -q -c "$ini" --plugins "$plugins" --input in.csv --output o.csv --summary s.json \
  --report r.html 2> r.err
okd $? "run --report r.html" r.err
[ -s r.html ] && grep -q '</html>' r.html
ok $? "  ... writes a whole HTML page"
! grep -Eiq '(src|href)=|url\(|@import' r.html
ok $? "  ... self-contained: no src=, href=, url() or @import"
grep -q "$(sha256sum < "$root/scripts/retail_v1.lua" | cut -d' ' -f1)" r.html &&
  grep -q 'Segments as of 2026-11-01' r.html
ok $? "  ... shows the rule file's sha256 and as_of"
n=$(grep -c '<svg class="chart"' r.html)
[ "$n" -eq 7 ]
ok $? "  ... 7 charts: micro sizes, 4 macro splits, heat map, overlap matrix (got $n)"

# the ini key, and the all-or-nothing commit
printf '[engine]\nrules = %s\nas_of = 2026-11-01\n[input]\nmax_rejects = 0\n[output]\nreport = ini.html\n' \
  "$root/scripts/retail_v1.lua" > rep.ini
"$cleave" run -q -c rep.ini --plugins "$plugins" --input in.csv --output i.csv 2> ini.err
okd $? "[output] report = ini.html writes it" ini.err
sed -n '/<h2>/,$p' ini.html > a.cmp
sed -n '/<h2>/,$p' r.html > b.cmp
cmp -s a.cmp b.cmp
ok $? "  ... the same report as --report gives (but the paths and time at the top)"
cp ini.html ini.keep
"$gen" --rows 300 --seed 2 --ragged 3 > rag.csv
"$cleave" run -q -c rep.ini --plugins "$plugins" --input rag.csv --output i.csv 2> fail.err
[ $? -eq 5 ] && cmp -s ini.keep ini.html && ! ls | grep -q 'ini.html.tmp'
okd $? "a run failing on max_rejects leaves the previous report (no temporary left)" fail.err
"$cleave" run -q -c rep.ini --plugins "$plugins" --input in.csv --output i.csv --report i.csv \
  2> twice.err
[ $? -eq 2 ] && grep -q 'report' twice.err
okd $? "the report and the output named the same file: refused (exit 2)" twice.err

# escaping: a column name with markup and invalid UTF-8 in the per-column table
printf 'customer_id,age,"<script>x()</script>\376"\n' > esc.csv
i=0
while [ $i -lt 20 ]; do
  printf 'C%d,%s,%s\n' $i "$([ $i -lt 3 ] && echo abc || echo 30)" "$([ $i -lt 2 ] && printf '\376' || echo 1)" >> esc.csv
  i=$((i + 1))
done
cat > esc.lua <<'EOF'
local age = number "age"
local odd = text "<script>x()</script>\xfe"
micro "adults" { age:above(17) }
micro "any" { odd:is "1" }
EOF
"$cleave" run -q --rules esc.lua --input esc.csv --output esc.out --report esc.html 2> esc.err
okd $? "a rule file reading a column named <script>...\\376" esc.err
! grep -q '<script>x()' esc.html && grep -q '&lt;script&gt;x()&lt;/script&gt;' esc.html &&
  grep -q "$(printf '\357\277\275')" esc.html && iconv -f UTF-8 -t UTF-8 esc.html > /dev/null
ok $? "  ... the name is escaped (&lt;script&gt;), its bad byte U+FFFD, the page valid UTF-8"
grep -q '<td>age</td><td class="n">3</td><td class="n">0</td>' esc.html &&
  grep -q 'x()&lt;/script&gt;\(.\)*</td><td class="n">0</td><td class="n">2</td>' esc.html
ok $? "  ... the per-column table: 3 unreadable ages, 2 values of the other column not UTF-8"

# 200 micro segments x 10 macro splits
"$cleave" run -q --rules "$root/tests/fixtures/report_big.lua" --input in.csv --output big.csv \
  --report big.html --as-of 2026-11-01 2> big.err
okd $? "200 micro segments, 10 macro splits: report written" big.err
[ "$(grep -c '<svg class="chart"' big.html)" -eq 13 ] &&
  [ "$(grep -c 'class="scroll"' big.html)" -ge 13 ]
ok $? "  ... 13 charts, each in a scroll container"

# with --state: entered / exited and the trend of the last runs
"$cleave" run -q -c "$ini" --plugins "$plugins" --input in.csv --output st.csv --state st \
  --report st1.html --as-of 2026-10-01 2> st1.err &&
  "$cleave" run -q -c "$ini" --plugins "$plugins" --input in.csv --output st.csv --state st \
    --report st.html 2> st.err
okd $? "two runs with --state (as of 2026-10-01, then 2026-11-01)" st.err
grep -q 'baseline' st1.html && ! grep -q 'Sizes over the last' st1.html
ok $? "  ... the first report says it is the baseline, no trend"
grep -q 'Entered and exited since the last run' st.html && grep -q 'Sizes over the last 2 runs' st.html &&
  [ "$(grep -c '<svg class="chart"' st.html)" -eq 9 ] && grep -q ' entered, [0-9]* exited, [0-9]* stayed</title>' st.html
ok $? "  ... the second: entered/exited and a 2-run trend (9 charts)"

chromium=$(command -v chromium || command -v chromium-browser)
if [ -z "$chromium" ]; then
  skip "report.html in headless chromium" "chromium is not installed (tools/deps.sh installs it)"
  done_testing
fi
# dom PAGE NAME: chromium --dump-dom; the console in NAME.log
dom() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --enable-logging=stderr --v=0 --virtual-time-budget=5000 --user-data-dir="$tmp/prof" \
    --dump-dom "file://$tmp/$1" > "$2.dom" 2> "$2.log"
}
for page in r.html big.html esc.html st.html; do
  dom "$page" "$page"
  body=$(grep -o '<body[^>]*>' "$page.dom")
  charts=$(echo "$body" | sed -n 's/.*data-charts="\([0-9]*\)".*/\1/p')
  drawn=$(echo "$body" | sed -n 's/.*data-drawn="\([0-9]*\)".*/\1/p')
  echo "$body" | grep -q 'data-ready="1"' && echo "$body" | grep -q 'data-errors=""' &&
    [ -n "$charts" ] && [ "$charts" -gt 0 ] && [ "$charts" = "$drawn" ] &&
    ! grep -q 'INFO:CONSOLE' "$page.log"
  st=$?
  ok $st "chromium: $page loads with no console error, $drawn of $charts charts drawn"
  [ $st -eq 0 ] || { echo "# $body"; grep CONSOLE "$page.log" | head -5 | sed 's/^/# /'; }
done
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --hide-scrollbars --user-data-dir="$tmp/prof" --window-size=1200,1600 \
  --screenshot="$tmp/shot.png" "file://$tmp/r.html" > /dev/null 2>&1
[ -s shot.png ] && [ "$(head -c 4 shot.png | od -An -c | tr -d ' ')" = '211PNG' ]
ok $? "chromium: a screenshot of the report is a PNG"
done_testing
