/* SPDX-License-Identifier: MIT */
/*
** report.c -- report.html (see report.h): inline SVG charts, no network.
*/
#include <stdlib.h>
#include <string.h>

#include "datecalc.h"
#include "invalid.h"
#include "report.h"
#include "row_accept.h"
#include "seg_detail.h"
#include "utf8.h"
#include "version.h"

#define LABEL_CHARS 34 /* characters of a name shown in a chart (all of it in the tooltip) */

static void text(buf *b, const char *s) { utf8_html_str(b, s ? s : "", s ? strlen(s) : 0, 0); }
static void label(buf *b, const char *s) { utf8_html_str(b, s, strlen(s), LABEL_CHARS); }

static double pct(uint64_t n, uint64_t of) { return of ? 100.0 * (double)n / (double)of : 0; }

/* --- order: largest first ----------------------------------------------------- */

typedef struct ranked {
  uint64_t n;
  uint32_t i;
} ranked;

static int by_size(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? 1 : -1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Indices 0..n-1 by counts[i], largest first (ties in rule order). */
static uint32_t *rank(const uint64_t *counts, uint32_t n) {
  ranked *r = cl_calloc(n ? n : 1, sizeof *r);
  for (uint32_t i = 0; i < n; i++) r[i] = (ranked){counts[i], i};
  qsort(r, n, sizeof *r, by_size);
  uint32_t *ix = cl_calloc(n ? n : 1, sizeof *ix);
  for (uint32_t i = 0; i < n; i++) ix[i] = r[i].i;
  free(r);
  return ix;
}

/* --- page ----------------------------------------------------------------------- */

static const char STYLE[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222;max-width:1100px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}"
    "h3{font-size:14px;margin:14px 0 4px}table{border-collapse:collapse;font-size:13px}"
    "td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.meta{font-size:12px;color:#555}.meta code{font-size:11px}"
    ".scroll{max-height:560px;overflow:auto;border:1px solid #e4e4e4;padding:4px}"
    ".note{font-size:12px;color:#666}svg text{font-size:11px;fill:#222}"
    ".ok{color:#1a7f37}.warn{color:#b35900}";

/* Catches errors from the start; on load, lists the charts drawn (an SVG
** with marks and a size): tests read the attributes with --dump-dom. */
static const char SCRIPT_HEAD[] =
    "<script>window.__errors=[];window.onerror=function(m){window.__errors.push(String(m));};"
    "</script>\n";
static const char SCRIPT_TAIL[] =
    "<script>window.addEventListener('load',function(){var c=document.querySelectorAll("
    "'svg.chart'),d=0;for(var i=0;i<c.length;i++){var b=c[i].getBBox();if(c[i].querySelector("
    "'rect,polyline,line')&&b.width>0&&b.height>0)d++;}var s=document.body;s.setAttribute("
    "'data-charts',String(c.length));s.setAttribute('data-drawn',String(d));s.setAttribute("
    "'data-errors',window.__errors.join(' | '));s.setAttribute('data-ready','1');});</script>\n";

static void head(const report_info *r, buf *b) {
  const summary_info *s = r->s;
  char asof[16];
  date_format_iso(s->cfg->as_of, asof);
  buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
  buf_puts(b, SCRIPT_HEAD);
  buf_puts(b, "<title>cleave report: ");
  text(b, s->cfg->rules);
  buf_printf(b, " as of %s</title>\n<style>%s</style></head><body>\n", asof, STYLE);
  buf_printf(b, "<h1>Segments as of %s</h1>\n<p class=\"meta\">Rules <b>", asof);
  text(b, s->cfg->rules);
  buf_puts(b, "</b> (sha256 <code>");
  text(b, s->g->rules_sha256[0] ? s->g->rules_sha256 : "none");
  buf_puts(b, "</code>)");
  for (uint32_t i = 0; i < s->g->nfiles; i++) {
    buf_puts(b, "<br>List <b>");
    text(b, s->g->files[i].path);
    buf_puts(b, "</b> (sha256 <code>");
    text(b, s->g->files[i].sha256);
    buf_puts(b, "</code>)");
  }
  buf_puts(b, "<br>Input <b>");
  text(b, s->input_name);
  buf_printf(b, "</b>, %d thread%s, %.2f s, cleave %s</p>\n", s->threads,
             s->threads == 1 ? "" : "s", s->seconds, CLEAVE_VERSION);
}

/* --- accounting ----------------------------------------------------------------- */

static void row_n(buf *b, const char *what, uint64_t n, uint64_t of) {
  buf_puts(b, "<tr><td>");
  text(b, what);
  buf_printf(b, "</td><td class=\"n\">%llu</td>", (unsigned long long)n);
  if (of) buf_printf(b, "<td class=\"n\">%.1f%%</td>", pct(n, of));
  else buf_puts(b, "<td></td>");
  buf_puts(b, "</tr>\n");
}

static void sec_accounting(const report_info *r, buf *b) {
  const summary_info *s = r->s;
  const pipeline_stats *st = s->st;
  buf_puts(b, "<h2>The run</h2>\n<table><tr><th>rows</th><th>customers</th><th>share</th></tr>\n");
  row_n(b, "read", st->rows, 0);
  row_n(b, "written (segmented)", st->written, st->rows);
  row_n(b, "rejected (in the reject file)", st->rejected, st->rows);
  for (int k = 0; k < REJECT_KINDS; k++)
    if (st->rejects_by[k]) {
      buf b2 = {0};
      buf_printf(&b2, "\u2003rejected: %s", row_reject_kind_names[k]);
      buf_putc(&b2, '\0');
      row_n(b, b2.p, st->rejects_by[k], st->rejected);
      buf_free(&b2);
    }
  buf_puts(b, "</table>\n");
  uint64_t *by = tally_by_column(s->g, st->tally, s->shape->ncols);
  int any = 0;
  for (size_t c = 0; s->header && c < s->shape->ncols; c++) {
    uint64_t inv = by ? by[c] : 0, bad = st->bad_utf8 ? st->bad_utf8[c] : 0;
    if (!inv && !bad) continue;
    if (!any++)
      buf_puts(b, "<h3>Values that could not be read, by column</h3>\n<table><tr><th>column</th>"
                  "<th>not a number or date, or no plugin result</th><th>not UTF-8</th></tr>\n");
    buf_puts(b, "<tr><td>");
    text(b, s->header[c]);
    buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
               (unsigned long long)inv, (unsigned long long)bad);
  }
  free(by);
  if (any) buf_puts(b, "</table>\n");
  else buf_printf(b, "<p class=\"note ok\">Every value the rules read was readable (%llu "
                     "invalid).</p>\n", (unsigned long long)st->invalid);
}

/* --- bar charts ----------------------------------------------------------------- */

#define BAR_LABEL 250
#define BAR_W 480
#define BAR_H 18

/* Horizontal bars, n of them in the order ix, names[i] and counts[i], as a
** share of total. */
static void bars(buf *b, const char *const *names, const uint64_t *counts, const uint32_t *ix,
                 uint32_t n, uint64_t total, const char *color) {
  uint64_t max = 1;
  for (uint32_t k = 0; k < n; k++)
    if (counts[ix[k]] > max) max = counts[ix[k]];
  buf_printf(b, "<svg class=\"chart\" width=\"%d\" height=\"%u\" role=\"img\">\n",
             BAR_LABEL + BAR_W + 110, n * BAR_H + 4);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = ix[k];
    double w = (double)BAR_W * (double)counts[i] / (double)max;
    unsigned y = k * BAR_H + 2;
    buf_printf(b, "<g><title>");
    text(b, names[i]);
    buf_printf(b, ": %llu (%.1f%%)</title><text x=\"%d\" y=\"%u\" text-anchor=\"end\">",
               (unsigned long long)counts[i], pct(counts[i], total), BAR_LABEL - 6, y + 13);
    label(b, names[i]);
    buf_printf(b, "</text><rect x=\"%d\" y=\"%u\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                  "<text x=\"%.1f\" y=\"%u\">%llu (%.1f%%)</text></g>\n",
               BAR_LABEL, y, w < 1 && counts[i] ? 1.0 : w, BAR_H - 4, color,
               BAR_LABEL + w + 4, y + 13, (unsigned long long)counts[i], pct(counts[i], total));
  }
  buf_puts(b, "</svg>\n");
}

static void sec_sizes(const report_info *r, buf *b) {
  const summary_info *s = r->s;
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  buf_puts(b, "<h2>Segment sizes</h2>\n");
  if (g->nmicros) {
    buf_printf(b, "<h3>Micro segments (%u, largest first)</h3>\n<div class=\"scroll\">\n",
               g->nmicros);
    const char **names = cl_calloc(g->nmicros, sizeof *names);
    for (uint32_t k = 0; k < g->nmicros; k++) names[k] = g->micros[k].name;
    uint32_t *ix = rank(st->micro_counts, g->nmicros);
    bars(b, names, st->micro_counts, ix, g->nmicros, st->written, "#2f6db5");
    free(ix);
    free(names);
    buf_puts(b, "</div>\n");
  }
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    buf_puts(b, "<h3>Macro split ");
    text(b, mc->name);
    buf_puts(b, "</h3>\n<div class=\"scroll\">\n");
    const uint64_t *counts = st->value_counts + s->shape->value_base[m];
    uint32_t *ix = rank(counts, mc->nvalues);
    bars(b, (const char *const *)mc->values, counts, ix, mc->nvalues, st->written, "#5a9e6f");
    free(ix);
    buf_puts(b, "</div>\n");
  }
}

/* --- heat map: macro value x micro segment -------------------------------------- */

#define CELL 16
#define ROW_LABEL 250
#define COL_LABEL 150

static void shade(buf *b, double share, const char *rgb) {
  buf_printf(b, "fill=\"rgb(%s)\" fill-opacity=\"%.3f\"", rgb, share > 0 ? 0.06 + 0.94 * share : 0.02);
}

static void sec_heatmap(const report_info *r, buf *b) {
  const summary_info *s = r->s;
  const graph *g = s->g;
  const seg_shape *sh = s->shape;
  const pipeline_stats *st = s->st;
  uint32_t nd = seg_detail_micros(g);
  if (!nd || !g->nmacros) return;
  uint32_t *ix = rank(st->micro_counts, nd);
  uint32_t rows = nd < REPORT_HEAT_MAX ? nd : REPORT_HEAT_MAX;
  buf_puts(b, "<h2>Who is in each micro segment, by macro value</h2>\n<p class=\"note\">Each row "
              "is a micro segment (largest first); a cell's shade is the share of the segment's "
              "customers with that value of the split (hover for the numbers).");
  if (rows < g->nmicros)
    buf_printf(b, " The %u largest of %u segments are shown; summary.json has every counted one.",
               rows, g->nmicros);
  buf_puts(b, "</p>\n<div class=\"scroll\">\n");
  unsigned w = ROW_LABEL + sh->nvalues * CELL + g->nmacros * 6 + COL_LABEL;
  buf_printf(b, "<svg class=\"chart\" width=\"%u\" height=\"%u\" role=\"img\">\n", w,
             COL_LABEL + rows * CELL + 4);
  unsigned x0 = ROW_LABEL;
  for (uint32_t m = 0; m < g->nmacros; m++) { /* column labels, split=value, rotated */
    const macro *mc = &g->macros[m];
    for (uint32_t v = 0; v < mc->nvalues; v++) {
      unsigned x = x0 + (sh->value_base[m] + v) * CELL + m * 6 + CELL / 2 + 4;
      buf_printf(b, "<text transform=\"translate(%u,%d) rotate(-60)\">", x, COL_LABEL - 4);
      label(b, mc->name);
      buf_putc(b, '=');
      label(b, mc->values[v]);
      buf_puts(b, "</text>\n");
    }
  }
  for (uint32_t k = 0; k < rows; k++) {
    uint32_t i = ix[k];
    unsigned y = COL_LABEL + k * CELL;
    buf_printf(b, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", ROW_LABEL - 6, y + 12);
    label(b, g->micros[i].name);
    buf_puts(b, "</text>\n");
    uint64_t size = st->micro_counts[i];
    for (uint32_t m = 0; m < g->nmacros; m++) {
      const macro *mc = &g->macros[m];
      for (uint32_t v = 0; v < mc->nvalues; v++) {
        uint32_t vi = sh->value_base[m] + v;
        uint64_t n = st->cross[(size_t)i * sh->nvalues + vi];
        buf_printf(b, "<rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" ",
                   x0 + vi * CELL + m * 6, y, CELL - 1, CELL - 1);
        shade(b, size ? (double)n / (double)size : 0, "33,102,172");
        buf_puts(b, "><title>");
        text(b, g->micros[i].name);
        buf_puts(b, " \u00d7 ");
        text(b, mc->name);
        buf_putc(b, '=');
        text(b, mc->values[v]);
        buf_printf(b, ": %llu (%.1f%% of the segment)</title></rect>\n", (unsigned long long)n,
                   pct(n, size));
      }
    }
  }
  buf_puts(b, "</svg>\n</div>\n");
  free(ix);
}

/* --- overlap matrix ------------------------------------------------------------- */

static void sec_overlap(const report_info *r, buf *b) {
  const summary_info *s = r->s;
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  uint32_t nd = seg_detail_micros(g);
  if (nd < 2) return;
  uint32_t *ix = rank(st->micro_counts, nd);
  uint32_t n = nd < REPORT_OVERLAP_MAX ? nd : REPORT_OVERLAP_MAX;
  buf_puts(b, "<h2>How micro segments overlap</h2>\n<p class=\"note\">A cell is the customers in "
              "both segments; its shade is their share of the smaller segment (1 = one segment "
              "lies inside the other). The diagonal is each segment's size.");
  if (n < g->nmicros)
    buf_printf(b, " The %u largest of %u segments are shown; summary.json lists every "
                  "overlapping pair of the first %u.", n, g->nmicros, nd);
  buf_puts(b, "</p>\n<div class=\"scroll\">\n");
  buf_printf(b, "<svg class=\"chart\" width=\"%u\" height=\"%u\" role=\"img\">\n",
             ROW_LABEL + n * CELL + COL_LABEL, COL_LABEL + n * CELL + 4);
  for (uint32_t c = 0; c < n; c++) {
    buf_printf(b, "<text transform=\"translate(%u,%d) rotate(-60)\">",
               ROW_LABEL + c * CELL + CELL / 2 + 4, COL_LABEL - 4);
    label(b, g->micros[ix[c]].name);
    buf_puts(b, "</text>\n");
  }
  for (uint32_t a = 0; a < n; a++) {
    uint32_t i = ix[a];
    unsigned y = COL_LABEL + a * CELL;
    buf_printf(b, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", ROW_LABEL - 6, y + 12);
    label(b, g->micros[i].name);
    buf_puts(b, "</text>\n");
    for (uint32_t c = 0; c < n; c++) {
      uint32_t j = ix[c];
      uint64_t both = i == j ? st->micro_counts[i]
                             : st->overlap[i < j ? seg_pair_ix(nd, i, j) : seg_pair_ix(nd, j, i)];
      uint64_t smaller = st->micro_counts[i] < st->micro_counts[j] ? st->micro_counts[i]
                                                                     : st->micro_counts[j];
      buf_printf(b, "<rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" ", ROW_LABEL + c * CELL,
                 y, CELL - 1, CELL - 1);
      if (i == j) buf_puts(b, "fill=\"#777\"");
      else shade(b, smaller ? (double)both / (double)smaller : 0, "178,24,43");
      buf_puts(b, "><title>");
      text(b, g->micros[i].name);
      buf_puts(b, " & ");
      text(b, g->micros[j].name);
      buf_printf(b, ": %llu customers</title></rect>\n", (unsigned long long)both);
    }
  }
  buf_puts(b, "</svg>\n</div>\n");
  free(ix);
}

/* --- state: entered / exited, trend --------------------------------------------- */

void report_delta_html(const report_delta *d, buf *b) {
  if (!d) return;
  buf_puts(b, "<h2>Entered and exited since the last run</h2>\n");
  if (d->baseline) {
    buf_puts(b, "<p class=\"note\">This is the first run with this state: it is the baseline, "
                "nobody is counted as entered.</p>\n");
    return;
  }
  buf_printf(b, "<p class=\"note\">%llu customers of the last run are not in this input "
                "(they exited every segment).</p>\n<div class=\"scroll\">\n",
             (unsigned long long)d->gone);
  uint64_t max = 1;
  for (size_t k = 0; k < d->n; k++) {
    if (d->rows[k].entered > max) max = d->rows[k].entered;
    if (d->rows[k].exited > max) max = d->rows[k].exited;
  }
  int half = 220;
  buf_printf(b, "<svg class=\"chart\" width=\"%d\" height=\"%zu\" role=\"img\">\n"
                "<text x=\"%d\" y=\"12\" text-anchor=\"end\">exited</text>"
                "<text x=\"%d\" y=\"12\">entered</text>\n",
             BAR_LABEL + 2 * half + 140, d->n * BAR_H + 22, BAR_LABEL + half - 4,
             BAR_LABEL + half + 4);
  for (size_t k = 0; k < d->n; k++) {
    const report_delta_row *row = &d->rows[k];
    unsigned y = (unsigned)(k * BAR_H + 18);
    double we = (double)half * (double)row->entered / (double)max;
    double wx = (double)half * (double)row->exited / (double)max;
    buf_puts(b, "<g><title>");
    text(b, row->name);
    buf_printf(b, ": %llu entered, %llu exited, %llu stayed</title>",
               (unsigned long long)row->entered, (unsigned long long)row->exited,
               (unsigned long long)row->stayed);
    buf_printf(b, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", BAR_LABEL - 6, y + 13);
    label(b, row->name);
    buf_printf(b, "</text><rect x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"%d\" fill=\"#c0392b\"/>"
                  "<rect x=\"%d\" y=\"%u\" width=\"%.1f\" height=\"%d\" fill=\"#1a7f37\"/>"
                  "<text x=\"%.1f\" y=\"%u\">+%llu / \u2212%llu</text></g>\n",
               BAR_LABEL + half - wx, y, wx, BAR_H - 4, BAR_LABEL + half, y, we, BAR_H - 4,
               BAR_LABEL + half + we + 4, y + 13, (unsigned long long)row->entered,
               (unsigned long long)row->exited);
  }
  buf_puts(b, "</svg>\n</div>\n");
}

static const char *const PALETTE[] = {"#2f6db5", "#c0392b", "#1a7f37", "#8e44ad", "#d68910",
                                      "#17a589", "#7f8c8d", "#a04000", "#2e4053", "#b7950b"};

void report_trend_html(const report_trend *t, buf *b) {
  if (!t || t->nruns < 2 || !t->nseg) return;
  size_t shown = t->nseg < 10 ? t->nseg : 10;
  uint64_t *last = cl_calloc(t->nseg, sizeof *last);
  for (size_t k = 0; k < t->nseg; k++) last[k] = t->sizes[k * t->nruns + t->nruns - 1];
  uint32_t *ix = rank(last, (uint32_t)t->nseg);
  uint64_t max = 1;
  for (size_t q = 0; q < shown; q++)
    for (size_t run = 0; run < t->nruns; run++)
      if (t->sizes[ix[q] * t->nruns + run] > max) max = t->sizes[ix[q] * t->nruns + run];
  buf_printf(b, "<h2>Sizes over the last %zu runs</h2>\n<p class=\"note\">The %zu largest "
                "segments of this run.</p>\n", t->nruns, shown);
  int W = 640, H = 240, L = 60, T = 10;
  buf_printf(b, "<svg class=\"chart\" width=\"%d\" height=\"%d\" role=\"img\">\n", L + W + 260,
             T + H + 40);
  buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu</text>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
             L, T + H, L + W, T + H, L - 4, T + 10, (unsigned long long)max, L - 4, T + H);
  for (size_t run = 0; run < t->nruns; run++) {
    double x = L + (double)W * (double)run / (double)(t->nruns - 1);
    buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, T + H + 16);
    label(b, t->labels[run]);
    buf_puts(b, "</text>\n");
  }
  for (size_t q = 0; q < shown; q++) {
    size_t k = ix[q];
    buf_printf(b, "<g><title>");
    text(b, t->names[k]);
    buf_printf(b, "</title><polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
               PALETTE[q % 10]);
    for (size_t run = 0; run < t->nruns; run++)
      buf_printf(b, "%.1f,%.1f ", L + (double)W * (double)run / (double)(t->nruns - 1),
                 T + H - (double)H * (double)t->sizes[k * t->nruns + run] / (double)max);
    buf_printf(b, "\"/><rect x=\"%d\" y=\"%zu\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  "<text x=\"%d\" y=\"%zu\">", L + W + 16, T + q * 18, PALETTE[q % 10],
               L + W + 30, T + q * 18 + 9);
    label(b, t->names[k]);
    buf_puts(b, "</text></g>\n");
  }
  buf_puts(b, "</svg>\n");
  free(ix);
  free(last);
}

void report_html(const report_info *r, buf *b) {
  head(r, b);
  sec_accounting(r, b);
  report_delta_html(r->delta, b);
  sec_sizes(r, b);
  report_trend_html(r->trend, b);
  sec_heatmap(r, b);
  sec_overlap(r, b);
  buf_puts(b, "<p class=\"note\">Written by cleave; every number is also in summary.json "
              "(docs/summary.md).</p>\n");
  buf_puts(b, SCRIPT_TAIL);
  buf_puts(b, "</body></html>\n");
}
