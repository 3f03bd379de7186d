/* SPDX-License-Identifier: MIT */
/*
** eval_bench.c -- what evaluation alone costs: records already parsed and in
** memory, no CSV, no output. Plugins, engine.ini's [plugin.*] settings and the
** rule file are loaded as `cleave run` loads them; the first N rows of the
** file are read into arrays of cleave_str (every column); then each timed
** pass evaluates every rule on every record, as the segmenter does minus
** formatting, with one of the two evaluators:
**
**   batch  (default, what `cleave run` uses): batch_begin on BATCH_MAX rows at
**          a time, batch_macro for every macro, batch_micro for every micro;
**   row    (`cleave run --evaluator row`, and explain): per record eval_begin,
**          eval_macro for every macro, eval_pred for every micro.
**
**   eval_bench [--evaluator batch|row] [--records N] [--passes P] [--rules FILE]
**              [--plugins DIR] [--config INI] [--as-of YYYY-MM-DD] FILE
**
** Prints one line: ns per record and per record per rule (rules = macros +
** micros), median (min..max) over the timed passes after one untimed warm-up
** pass, and a digest of the results (per macro value and per micro counts),
** which is the same for both evaluators and must not change when either is
** rewritten.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "csv_scan.h"
#include "error.h"
#include "batch.h"
#include "eval.h"
#include "graph.h"
#include "host_api.h"
#include "input.h"
#include "log.h"
#include "plugin_loader.h"
#include "rules.h"

#define CHUNK (1u << 20)

/* --- the records ------------------------------------------------------------ */

typedef struct records {
  size_t ncols, n, want;
  char *text;          /* all kept bytes */
  size_t tlen, tcap;
  size_t *off;         /* n * ncols offsets into text (while loading) */
  size_t *len;         /* n * ncols lengths (while loading) */
  size_t cap;          /* rows allocated in off/len */
  cleave_str *cols;    /* n * ncols views, built when loading is done:
                       ** row-major (cols[i * ncols + c]) for the row
                       ** evaluator, column-major (cols[c * n + i]) for batch */
  int by_column;
  unsigned long long skipped; /* rows with the wrong field count, or unreadable */
  csv_scan *scan;      /* to stop it once want rows are in */
} records;

static void rec_row(void *ud, const csv_row *row) {
  records *r = ud;
  if (row->nfields != r->ncols) { /* the engine rejects these */
    r->skipped++;
    return;
  }
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 4096;
    r->off = cl_realloc(r->off, r->cap * r->ncols * sizeof *r->off);
    r->len = cl_realloc(r->len, r->cap * r->ncols * sizeof *r->len);
  }
  for (size_t i = 0; i < r->ncols; i++) {
    size_t l = row->cols[i].len;
    if (r->tlen + l > r->tcap) {
      r->tcap = (r->tcap + l) * 2;
      r->text = cl_realloc(r->text, r->tcap);
    }
    if (l) memcpy(r->text + r->tlen, row->cols[i].ptr, l);
    r->off[r->n * r->ncols + i] = r->tlen;
    r->len[r->n * r->ncols + i] = l;
    r->tlen += l;
  }
  r->n++;
}

static void rec_bad(void *ud, const csv_row *row, const char *reason) {
  records *r = ud;
  (void)row;
  (void)reason;
  r->skipped++;
}

static void rec_row_stop(void *ud, const csv_row *row) {
  records *r = ud;
  rec_row(ud, row);
  if (r->n >= r->want) r->scan->stop = 1;
}

static int load_records(input *in, unsigned char delim, records *r, cl_error *err) {
  uint8_t *keep = cl_malloc(r->ncols ? r->ncols : 1);
  memset(keep, 1, r->ncols ? r->ncols : 1);
  csv_scan s;
  csv_scan_init(&s, delim, r->ncols, keep, rec_row_stop, rec_bad, r);
  r->scan = &s;
  int rc = 0;
  while (r->n < r->want) {
    chunk c;
    rc = input_chunk(in, CHUNK, &c, err);
    if (rc != 1) break;
    int clean;
    csv_scan_feed(&s, c.data, c.len, c.final, &clean);
    free(c.data);
    rc = 0;
  }
  csv_scan_free(&s);
  r->scan = NULL;
  free(keep);
  if (rc) return rc;
  r->cols = cl_malloc((r->n ? r->n : 1) * r->ncols * sizeof *r->cols);
  for (size_t i = 0; i < r->n; i++)
    for (size_t c = 0; c < r->ncols; c++) {
      size_t k = i * r->ncols + c;
      r->cols[r->by_column ? c * r->n + i : k] = (cleave_str){r->text + r->off[k], r->len[k]};
    }
  free(r->off);
  free(r->len);
  r->off = r->len = NULL;
  return 0;
}

/* --- the timed part ----------------------------------------------------------- */

typedef struct tally {
  uint64_t *value_counts; /* per macro value: value_base[m] + v */
  uint32_t *value_base;
  uint64_t *micro_counts;
} tally;

typedef struct evaluator {
  int batch;
  eval_ctx ec;             /* row */
  batch_ctx bc;            /* batch */
  const cleave_str **ptrs; /* batch: per column, the current batch's first row */
} evaluator;

/* One record at a time (eval.h). */
static void pass_row(eval_ctx *ec, const graph *g, const records *r, tally *t) {
  const cleave_str *cols = r->cols;
  for (size_t i = 0; i < r->n; i++, cols += r->ncols) {
    eval_begin(ec, cols);
    for (uint32_t m = 0; m < g->nmacros; m++)
      t->value_counts[t->value_base[m] + eval_macro(ec, m)]++;
    for (uint32_t k = 0; k < g->nmicros; k++)
      t->micro_counts[k] += (uint64_t)(eval_pred(ec, g->micros[k].pred) != 0);
  }
}

/* BATCH_MAX records at a time (batch.h), as the segmenter does. */
static void pass_batch(batch_ctx *bc, const graph *g, const records *r, const cleave_str **ptrs,
                       tally *t) {
  for (size_t start = 0; start < r->n; start += BATCH_MAX) {
    uint32_t n = (uint32_t)(r->n - start < BATCH_MAX ? r->n - start : BATCH_MAX);
    for (size_t c = 0; c < r->ncols; c++) ptrs[c] = r->cols + c * r->n + start;
    batch_begin(bc, ptrs, n);
    for (uint32_t m = 0; m < g->nmacros; m++) {
      const uint32_t *v = batch_macro(bc, m);
      uint64_t *counts = t->value_counts + t->value_base[m];
      for (uint32_t i = 0; i < n; i++) counts[v[i]]++;
    }
    for (uint32_t k = 0; k < g->nmicros; k++) {
      const uint64_t *bits = batch_micro(bc, k);
      for (uint32_t w = 0; w < (n + 63) / 64; w++)
        t->micro_counts[k] += (uint64_t)__builtin_popcountll(bits[w]);
    }
  }
}

/* Evaluate every rule on every record: all that is timed. A new evaluator
** entry point goes here. */
static void eval_pass(evaluator *e, const graph *g, const records *r, tally *t) {
  if (e->batch) pass_batch(&e->bc, g, r, e->ptrs, t);
  else pass_row(&e->ec, g, r, t);
}

static uint64_t *invalid_count(evaluator *e) { return e->batch ? &e->bc.invalid : &e->ec.invalid; }

/* --- reporting ------------------------------------------------------------------ */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static uint64_t fnv(uint64_t h, const uint64_t *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (int b = 0; b < 8; b++) {
      h ^= (v[i] >> (8 * b)) & 0xff;
      h *= 1099511628211ull;
    }
  return h;
}

static void usage(void) {
  fprintf(stderr, "usage: eval_bench [--evaluator batch|row] [--records N] [--passes P] "
                  "[--rules FILE] [--plugins DIR] [--config INI] [--as-of YYYY-MM-DD] FILE\n");
  exit(2);
}

static void die(const cl_error *err) {
  fprintf(stderr, "eval_bench: %s\n", err->msg);
  exit(err->code ? err->code : 1);
}

int main(int argc, char **argv) {
  const char *rules = "../scripts/retail_v1.lua", *plugdir = "../build/plugins";
  const char *ini = "../engine.ini", *as_of = "2026-11-01", *file = NULL;
  long want = 200000, passes = 5;
  int batch = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !a[1]) {
      if (file) usage();
      file = a;
      continue;
    }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (strcmp(a, "--evaluator") == 0) {
      if (strcmp(v, "batch") == 0) batch = 1;
      else if (strcmp(v, "row") == 0) batch = 0;
      else usage();
    } else if (strcmp(a, "--records") == 0) want = strtol(v, NULL, 10);
    else if (strcmp(a, "--passes") == 0) passes = strtol(v, NULL, 10);
    else if (strcmp(a, "--rules") == 0) rules = v;
    else if (strcmp(a, "--plugins") == 0) plugdir = v;
    else if (strcmp(a, "--config") == 0) ini = v;
    else if (strcmp(a, "--as-of") == 0) as_of = v;
    else usage();
  }
  if (!file || want < 1 || passes < 1) usage();

  cl_error err = {0, ""};
  logger lg;
  log_init(&lg, LOG_WARNING, stderr);
  config cfg;
  config_init(&cfg);
  if (config_load(&cfg, ini, &err)) die(&err);
  if (config_parse_date(as_of, &cfg.as_of) != 0) {
    fprintf(stderr, "eval_bench: --as-of %s: not a date\n", as_of);
    return 2;
  }
  cleave_host host;
  host_api_make(&host, &lg);
  plugin_set ps;
  memset(&ps, 0, sizeof ps);
  if (plugins_load_dir(&ps, plugdir, &err)) die(&err);
  if (plugins_init(&ps, &host, &cfg, &err)) die(&err);

  graph g;
  rules_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.path = rules;
  ro.as_of = cfg.as_of;
  ro.mem_limit = (size_t)cfg.lua_memory_mb << 20;
  ro.instr_limit = cfg.lua_instructions;
  ro.plugins = &ps;
  ro.host = &host;
  ro.log = &lg;
  if (rules_load(&g, &ro, &err)) die(&err);

  input in;
  char **header;
  size_t ncols;
  uint64_t hlines;
  unsigned char delim = (unsigned char)cfg.delimiter;
  if (input_open(&in, file, &err)) die(&err);
  if (input_header(&in, delim, &header, &ncols, &hlines, &err)) die(&err);
  if (rules_bind(&g, header, ncols, in.name, &err)) die(&err);

  records r;
  memset(&r, 0, sizeof r);
  r.ncols = ncols;
  r.want = (size_t)want;
  r.by_column = batch;
  double t0 = now_s();
  if (load_records(&in, delim, &r, &err)) die(&err);
  double load_s = now_s() - t0;
  if (r.n == 0) {
    fprintf(stderr, "eval_bench: %s: no records\n", file);
    return 1;
  }

  /* one worker's plugin states, as the pipeline makes them */
  void **tstate = cl_calloc(ps.n ? ps.n : 1, sizeof *tstate);
  for (size_t i = 0; i < ps.n; i++) {
    cleave_err e = {""};
    if (ps.v[i].desc->thread_init &&
        ps.v[i].desc->thread_init(ps.v[i].state, &tstate[i], &e) != CLEAVE_OK) {
      fprintf(stderr, "eval_bench: %s: thread_init: %s\n", ps.v[i].path, e.msg);
      return 1;
    }
  }
  evaluator ev;
  memset(&ev, 0, sizeof ev);
  ev.batch = batch;
  if (batch) {
    batch_init(&ev.bc, &g, tstate);
    ev.ptrs = cl_calloc(ncols, sizeof *ev.ptrs);
  } else {
    eval_ctx_init(&ev.ec, &g, tstate);
  }

  tally t;
  uint32_t nvalues = 0;
  t.value_base = cl_calloc(g.nmacros ? g.nmacros : 1, sizeof *t.value_base);
  for (uint32_t m = 0; m < g.nmacros; m++) {
    t.value_base[m] = nvalues;
    nvalues += g.macros[m].nvalues;
  }
  t.value_counts = cl_calloc(nvalues ? nvalues : 1, sizeof *t.value_counts);
  t.micro_counts = cl_calloc(g.nmicros ? g.nmicros : 1, sizeof *t.micro_counts);

  eval_pass(&ev, &g, &r, &t); /* warm-up: caches, branch predictors, page faults */
  memset(t.value_counts, 0, (nvalues ? nvalues : 1) * sizeof *t.value_counts);
  memset(t.micro_counts, 0, (g.nmicros ? g.nmicros : 1) * sizeof *t.micro_counts);
  *invalid_count(&ev) = 0;

  double *ns = cl_calloc((size_t)passes, sizeof *ns);
  for (long p = 0; p < passes; p++) {
    double a = now_s();
    eval_pass(&ev, &g, &r, &t);
    ns[p] = (now_s() - a) * 1e9 / (double)r.n;
  }
  qsort(ns, (size_t)passes, sizeof *ns, cmp_double);
  double med = passes & 1 ? ns[passes / 2] : (ns[passes / 2 - 1] + ns[passes / 2]) / 2;
  uint32_t nrules = g.nmacros + g.nmicros;

  /* every pass saw the same records: the counts of one pass are the digest */
  for (uint32_t i = 0; i < nvalues; i++) t.value_counts[i] /= (uint64_t)passes;
  for (uint32_t i = 0; i < g.nmicros; i++) t.micro_counts[i] /= (uint64_t)passes;
  uint64_t h = fnv(1469598103934665603ull, t.value_counts, nvalues);
  h = fnv(h, t.micro_counts, g.nmicros);
  uint64_t hits = 0;
  for (uint32_t i = 0; i < g.nmicros; i++) hits += t.micro_counts[i];

  printf("eval only, %s evaluator: %zu records x %u rules (%u macros + %u micros), %ld passes: "
         "%.1f ns/record (%.1f..%.1f), %.2f ns/record/rule; %.2f micro tags/record, "
         "%llu invalid values/pass, digest %016llx\n",
         batch ? "batch" : "row", r.n, nrules, g.nmacros, g.nmicros, passes, med, ns[0], ns[passes - 1],
         nrules ? med / nrules : 0.0, (double)hits / (double)r.n,
         (unsigned long long)(*invalid_count(&ev) / (uint64_t)passes), (unsigned long long)h);
  if (r.skipped)
    fprintf(stderr, "eval_bench: %llu rows skipped (wrong field count or unreadable)\n",
            r.skipped);
  fprintf(stderr, "eval_bench: loaded %zu records (%.1f MB of field text) in %.2f s\n", r.n,
          (double)r.tlen / 1e6, load_s);

  free(ns);
  free(t.value_base);
  free(t.value_counts);
  free(t.micro_counts);
  if (batch) {
    batch_free(&ev.bc);
    free(ev.ptrs);
  } else {
    eval_ctx_free(&ev.ec);
  }
  for (size_t i = 0; i < ps.n; i++)
    if (ps.v[i].desc->thread_fini) ps.v[i].desc->thread_fini(ps.v[i].state, tstate[i]);
  free(tstate);
  free(r.cols);
  free(r.text);
  for (size_t i = 0; i < ncols; i++) free(header[i]);
  free(header);
  input_close(&in);
  graph_free(&g);
  plugins_free(&ps);
  config_free(&cfg);
  return 0;
}
