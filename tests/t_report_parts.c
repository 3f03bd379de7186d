/* SPDX-License-Identifier: MIT */
/*
** t_report_parts.c -- report.html pieces that need no run: the one HTML escaper
** (utf8_html_str) and the state sections (entered / exited, trend), which
** report_html draws only when the run keeps state.
*/
#include <string.h>

#include "tap.h" /* first: its locals would shadow buf.h's buf */
#include "report.h"
#include "utf8.h"

static int has(const buf *b, const char *s) {
  return b->len && memmem(b->p, b->len, s, strlen(s)) != NULL;
}

int main(void) {
  buf b = {0};
  utf8_html_str(&b, "<a href=\"x\">&'\x01\xff", 16, 0);
  buf_putc(&b, '\0');
  ok(strcmp(b.p, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\xEF\xBF\xBD\xEF\xBF\xBD") == 0,
     "utf8_html_str: markup as entities, a control byte and a bad byte as U+FFFD (%s)", b.p);
  b.len = 0;
  utf8_html_str(&b, "h\xC3\xA9llo w<rld", 13, 4);
  buf_putc(&b, '\0');
  ok(strcmp(b.p, "h\xC3\xA9ll\xE2\x80\xA6") == 0, "utf8_html_str: cut after 4 characters, not bytes (%s)", b.p);

  report_delta_row rows[] = {{"lapsed<vip>", 12, 3, 40}, {"new", 0, 7, 1}};
  report_delta d = {0, 5, rows, 2};
  b.len = 0;
  report_delta_html(&d, &b);
  ok(has(&b, "<svg class=\"chart\"") && has(&b, "lapsed&lt;vip&gt;: 12 entered, 3 exited, 40 stayed") &&
         has(&b, "5 customers of the last run are not in this input") && !has(&b, "<vip>"),
     "delta: one chart, entered / exited / stayed per segment, gone counted, names escaped");
  ok(has(&b, "fill=\"#1a7f37\"") && has(&b, "fill=\"#c0392b\""), "delta: entered and exited bars");
  report_delta base = {1, 0, rows, 2};
  b.len = 0;
  report_delta_html(&base, &b);
  ok(has(&b, "baseline") && !has(&b, "<svg"), "delta: a baseline run says so and draws nothing");
  b.len = 0;
  report_delta_html(NULL, &b);
  ok(b.len == 0, "delta: no state, no section");

  const char *labels[] = {"2026-10-01", "2026-10-08", "2026-10-15"};
  const char *names[] = {"a", "b&c"};
  uint64_t sizes[] = {10, 20, 30, 5, 5, 50}; /* [segment * runs + run] */
  report_trend t = {3, labels, 2, names, sizes};
  b.len = 0;
  report_trend_html(&t, &b);
  ok(has(&b, "<svg class=\"chart\"") && has(&b, "2026-10-15") && has(&b, "b&amp;c") &&
         has(&b, "<polyline"),
     "trend: a line per segment, runs labelled, names escaped");
  /* b&c is the largest in the last run: drawn first (the first colour) */
  const char *first = memmem(b.p, b.len, "<polyline", 9);
  ok(first && strstr(first, "#2f6db5") && memmem(b.p, b.len, "<title>b&amp;c</title>", 22) <
                                               (void *)first,
     "trend: the largest segment of this run comes first");
  report_trend one = {1, labels, 2, names, sizes};
  b.len = 0;
  report_trend_html(&one, &b);
  ok(b.len == 0, "trend: one run is no trend");
  buf_free(&b);
  return done_testing();
}
