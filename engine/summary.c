/* SPDX-License-Identifier: MIT */
/*
** summary.c -- summary.json (schema v1: docs/summary.md,
** docs/summary.schema.json) and the human summary of a run.
*/
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "datecalc.h"
#include "invalid.h"
#include "render.h"
#include "row_accept.h"
#include "seg_detail.h"
#include "state.h"
#include "summary.h"
#include "utf8.h"
#include "version.h"

/* every string through utf8_json_str: valid UTF-8 and JSON whatever the
** bytes of a path or a column name */
static void json_key(buf *b, const char *k) {
  utf8_json_str(b, k, strlen(k));
  buf_puts(b, ": ");
}

static void json_strf(buf *b, const char *k, const char *v, int comma) {
  buf_puts(b, "  ");
  json_key(b, k);
  if (v) utf8_json_str(b, v, strlen(v));
  else buf_puts(b, "null");
  buf_puts(b, comma ? ",\n" : "\n");
}

static void json_u64(buf *b, const char *k, uint64_t v) {
  buf_puts(b, "  ");
  json_key(b, k);
  buf_printf(b, "%llu,\n", (unsigned long long)v);
}

/* "plugins": the plugins the rules used (initialised), in load order. */
static void plugins_used(const plugin_set *ps, buf *b) {
  size_t k = 0;
  buf_puts(b, "  \"plugins\": [");
  for (size_t i = 0; ps && i < ps->n; i++) {
    const loaded_plugin *lp = &ps->v[i];
    if (!lp->initialised) continue;
    buf_puts(b, k++ ? ",\n    {" : "\n    {");
    json_key(b, "name");
    utf8_json_str(b, lp->desc->name, strlen(lp->desc->name));
    buf_puts(b, ", ");
    json_key(b, "version");
    utf8_json_str(b, lp->desc->version, strlen(lp->desc->version));
    buf_printf(b, ", \"abi\": \"%u.%u\", ", lp->raw->abi_major, lp->raw->abi_minor);
    json_key(b, "path");
    utf8_json_str(b, lp->path, strlen(lp->path));
    buf_putc(b, '}');
  }
  buf_puts(b, k ? "\n  ],\n" : "],\n");
}

/* "thresholds": the population thresholds the rules used (quantile.h), when
** they use any, and where their values came from. */
static void thresholds(const graph *g, buf *b) {
  if (!g || !g->nquants || !g->quant_source) return; /* set once all are resolved */
  json_strf(b, "thresholds_from", g->quant_source, 1);
  buf_puts(b, "  \"thresholds\": [");
  for (uint32_t i = 0; i < g->nquants; i++) {
    const graph_quant *t = &g->quants[i];
    const char *col = g->slots[t->slot].column;
    buf_puts(b, i ? ",\n    {" : "\n    {");
    json_key(b, "column");
    utf8_json_str(b, col, strlen(col));
    buf_puts(b, ", ");
    json_key(b, "rule");
    utf8_json_str(b, t->method, strlen(t->method));
    buf_printf(b, ", \"line\": %u, \"quantile\": ", t->line);
    render_number(t->q, b);
    buf_puts(b, ", \"value\": ");
    render_number(g->nodes[t->cnode].u.cval.u.number, b);
    buf_putc(b, '}');
  }
  buf_puts(b, "\n  ],\n");
}

/* What every summary has, ok or failed: the run's identity. */
static void identity(const summary_info *s, const char *status, buf *b) {
  const graph *g = s->g;
  char asof[16];
  date_format_iso(s->cfg->as_of, asof);
  buf_printf(b, "{\n  \"schema_version\": %d,\n", SUMMARY_SCHEMA_VERSION);
  json_strf(b, "status", status, 1);
  json_strf(b, "cleave_version", CLEAVE_VERSION, 1);
  json_strf(b, "rules", s->cfg->rules, 1);
  json_strf(b, "rules_sha256", g && g->rules_sha256[0] ? g->rules_sha256 : NULL, 1);
  buf_puts(b, "  \"lists\": [");
  for (uint32_t i = 0; g && i < g->nfiles; i++) {
    buf_puts(b, i ? ",\n    {" : "\n    {");
    json_key(b, "path");
    utf8_json_str(b, g->files[i].path, strlen(g->files[i].path));
    buf_puts(b, ", ");
    json_key(b, "sha256");
    utf8_json_str(b, g->files[i].sha256, 64);
    buf_putc(b, '}');
  }
  buf_puts(b, g && g->nfiles ? "\n  ],\n" : "],\n");
  plugins_used(s->plugins, b);
  thresholds(g, b);
  json_strf(b, "input", s->input_name ? s->input_name : s->cfg->input, 1);
  json_strf(b, "output", s->cfg->output ? s->cfg->output : "-", 1);
  json_strf(b, "as_of", asof, 1);
  buf_printf(b, "  \"threads\": %d,\n  \"seconds\": %.3f,\n", s->threads, s->seconds);
}

/* "plugin_failures": every plugin call site the rules evaluate, in graph
** order, with the values it was given (all its per-row arguments present)
** and how many of them gave no result (call_sites.h). */
static void plugin_failures(const summary_info *s, buf *b) {
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  buf_puts(b, "  \"plugin_failures\": [");
  for (uint32_t k = 0; g && k < g->nsites; k++) {
    const call_site *cs = &g->sites[k];
    const node *n = &g->nodes[cs->node];
    const slot_tally *t = &st->tally[g->nslots + k];
    buf_puts(b, k ? ",\n    {" : "\n    {");
    json_key(b, "criterion");
    utf8_json_str(b, n->u.call.label, strlen(n->u.call.label));
    buf_puts(b, ", ");
    json_key(b, "call");
    buf call = {0};
    call_site_name(g, k, &call);
    utf8_json_str(b, call.p ? call.p : "", call.len);
    buf_free(&call);
    buf_printf(b, ", \"rule_line\": %u, ", n->line);
    json_key(b, "column");
    int col = cs->slot != GRAPH_NONE ? g->slots[cs->slot].col : -1;
    if (col >= 0 && s->header && (size_t)col < s->shape->ncols)
      utf8_json_str(b, s->header[col], strlen(s->header[col]));
    else buf_puts(b, "null");
    buf_printf(b, ", \"present\": %llu, \"count\": %llu, ", (unsigned long long)t->present,
               (unsigned long long)t->bad);
    json_key(b, "first");
    if (t->bad) {
      buf ex = {0};
      tally_example(&ex, t);
      utf8_json_str(b, ex.p ? ex.p : "", ex.len);
      buf_free(&ex);
    } else {
      buf_puts(b, "null");
    }
    buf_putc(b, '}');
  }
  buf_puts(b, g && g->nsites ? "\n  ],\n" : "],\n");
}

/* The accounting of the rows read: rows, rejects by reason, invalid values. */
static void accounting(const summary_info *s, buf *b) {
  const pipeline_stats *st = s->st;
  json_u64(b, "rows_read", st->rows);
  json_u64(b, "rows_written", st->written);
  json_u64(b, "rows_rejected", st->rejected);
  buf_puts(b, "  \"rejects_by_reason\": {");
  for (int r = 0; r < REJECT_KINDS; r++) {
    buf_puts(b, r ? ", " : "");
    json_key(b, row_reject_kind_names[r]);
    buf_printf(b, "%llu", (unsigned long long)st->rejects_by[r]);
  }
  buf_puts(b, "},\n");
  json_u64(b, "invalid_values", st->invalid);
  buf_puts(b, "  \"invalid_utf8\": {");
  int any = 0;
  for (size_t c = 0; st->bad_utf8 && s->header && c < s->shape->ncols; c++) {
    if (!st->bad_utf8[c]) continue;
    buf_puts(b, any++ ? ", " : "");
    json_key(b, s->header[c]);
    buf_printf(b, "%llu", (unsigned long long)st->bad_utf8[c]);
  }
  buf_puts(b, "},\n");
  buf_puts(b, "  \"invalid_values_by_column\": {");
  uint64_t *by = tally_by_column(s->g, st->tally, s->shape->ncols);
  any = 0;
  for (size_t c = 0; by && s->header && c < s->shape->ncols; c++) {
    if (!by[c]) continue;
    buf_puts(b, any++ ? ", " : "");
    json_key(b, s->header[c]);
    buf_printf(b, "%llu", (unsigned long long)by[c]);
  }
  free(by);
  buf_puts(b, "},\n");
  plugin_failures(s, b);
}

static void sizes(const summary_info *s, buf *b) {
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  buf_puts(b, "  \"macro\": {");
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    buf_puts(b, m ? ",\n    " : "\n    ");
    json_key(b, mc->name);
    buf_putc(b, '{');
    for (uint32_t v = 0; v < mc->nvalues; v++) {
      buf_puts(b, v ? ", " : "");
      json_key(b, mc->values[v]);
      buf_printf(b, "%llu", (unsigned long long)st->value_counts[s->shape->value_base[m] + v]);
    }
    buf_putc(b, '}');
  }
  buf_puts(b, g->nmacros ? "\n  },\n" : "},\n");
  buf_puts(b, "  \"micro\": {");
  for (uint32_t i = 0; i < g->nmicros; i++) {
    buf_puts(b, i ? ",\n    " : "\n    ");
    json_key(b, g->micros[i].name);
    buf_printf(b, "%llu", (unsigned long long)st->micro_counts[i]);
  }
  buf_puts(b, g->nmicros ? "\n  },\n" : "},\n");
}

/* cross: split -> value -> micro -> customers; overlap: [a, b, both] for
** every pair of counted micros sharing a customer (seg_detail.h). */
static void detail(const summary_info *s, buf *b) {
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  const seg_shape *sh = s->shape;
  uint32_t nd = seg_detail_micros(g);
  buf_printf(b, "  \"detail_micros\": {\"counted\": %u, \"omitted\": %u},\n", nd, g->nmicros - nd);
  buf_puts(b, "  \"cross\": {");
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    buf_puts(b, m ? ",\n    " : "\n    ");
    json_key(b, mc->name);
    buf_putc(b, '{');
    for (uint32_t v = 0; v < mc->nvalues; v++) {
      buf_puts(b, v ? ",\n      " : "\n      ");
      json_key(b, mc->values[v]);
      buf_putc(b, '{');
      for (uint32_t k = 0; k < nd; k++) {
        buf_puts(b, k ? ", " : "");
        json_key(b, g->micros[k].name);
        buf_printf(b, "%llu",
                   (unsigned long long)st->cross[(size_t)k * sh->nvalues + sh->value_base[m] + v]);
      }
      buf_putc(b, '}');
    }
    buf_puts(b, mc->nvalues ? "\n    }" : "}");
  }
  buf_puts(b, g->nmacros ? "\n  },\n" : "},\n");
  buf_puts(b, "  \"overlap\": [");
  int any = 0;
  for (uint32_t j = 0; j < nd; j++)
    for (uint32_t k = j + 1; k < nd; k++) {
      uint64_t n = st->overlap[seg_pair_ix(nd, j, k)];
      if (!n) continue;
      buf_puts(b, any++ ? ",\n    [" : "\n    [");
      utf8_json_str(b, g->micros[j].name, strlen(g->micros[j].name));
      buf_puts(b, ", ");
      utf8_json_str(b, g->micros[k].name, strlen(g->micros[k].name));
      buf_printf(b, ", %llu]", (unsigned long long)n);
    }
  buf_puts(b, any ? "\n  ]\n" : "]\n");
}

/* summary_format = line: the document from b->p + from on one line (a shard's
** summary, for JSON Lines). Strings never hold a raw line end (utf8_json_str
** escapes control characters), so every '\n' and the indentation after it
** are layout. */
static void one_line(const summary_info *s, buf *b, size_t from) {
  if (!s->cfg || !s->cfg->summary_line) return;
  size_t w = from;
  for (size_t r = from; r < b->len; r++) {
    if (b->p[r] == '\n') {
      while (r + 1 < b->len && b->p[r + 1] == ' ') r++;
      continue;
    }
    b->p[w++] = b->p[r];
  }
  b->len = w;
  buf_putc(b, '\n');
}

void summary_json(const summary_info *s, buf *b) {
  size_t from = b->len;
  identity(s, "ok", b);
  accounting(s, b);
  sizes(s, b);
  detail(s, b);
  if (s->delta) { /* --state: "delta" (state_summary.c) */
    b->len--; /* the last "\n" */
    buf_puts(b, ",\n");
    state_summary_json(s->delta, b);
    buf_putc(b, '\n');
  }
  buf_puts(b, "}\n");
  one_line(s, b, from);
}

void summary_failed_json(const summary_info *s, const cl_error *e, buf *b) {
  size_t from = b->len;
  identity(s, "failed", b);
  json_strf(b, "reason", e->msg, 1);
  buf_printf(b, "  \"exit_code\": %d%s\n", e->code, s->st ? "," : "");
  if (s->st) { /* the rows were read: their accounting says why it failed */
    accounting(s, b);
    b->len -= 2; /* the last ",\n" */
    buf_putc(b, '\n');
  }
  buf_puts(b, "}\n");
  one_line(s, b, from);
}

static double pct(uint64_t n, uint64_t of) { return of ? 100.0 * (double)n / (double)of : 0; }

void summary_print(const summary_info *s, FILE *f) {
  const graph *g = s->g;
  const pipeline_stats *st = s->st;
  fprintf(f, "cleave: %llu rows read, %llu written, %llu rejected in %.2f s (%d thread%s)\n",
          (unsigned long long)st->rows, (unsigned long long)st->written,
          (unsigned long long)st->rejected, s->seconds, s->threads, s->threads == 1 ? "" : "s");
  if (st->invalid)
    fprintf(f, "  %llu field values were not valid numbers or dates, or got no result from a "
            "plugin call (treated as missing)\n", (unsigned long long)st->invalid);
  size_t w = 0;
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t v = 0; v < g->macros[m].nvalues; v++)
      if (strlen(g->macros[m].values[v]) > w) w = strlen(g->macros[m].values[v]);
  for (uint32_t i = 0; i < g->nmicros; i++)
    if (strlen(g->micros[i].name) > w) w = strlen(g->micros[i].name);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    fprintf(f, "  macro %s\n", mc->name);
    for (uint32_t v = 0; v < mc->nvalues; v++) {
      uint64_t n = st->value_counts[s->shape->value_base[m] + v];
      fprintf(f, "    %-*s %10llu  %5.1f%%\n", (int)w, mc->values[v], (unsigned long long)n,
              pct(n, st->written));
    }
  }
  if (g->nmicros) fprintf(f, "  micro segments\n");
  for (uint32_t i = 0; i < g->nmicros; i++)
    fprintf(f, "    %-*s %10llu  %5.1f%%\n", (int)w, g->micros[i].name,
            (unsigned long long)st->micro_counts[i], pct(st->micro_counts[i], st->written));
}
