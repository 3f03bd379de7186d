/* SPDX-License-Identifier: MIT */
/*
** fuzz_rules.c -- the rule loader: Lua source in, predicate graph out
** (engine/rules.c, sandbox.c, dsl_*.c, graph.c), then both evaluators on
** records made up for the graph.
**
** The input is a rule file. It runs in the sandbox with small caps (8 MB of
** Lua memory, 1,000,000 instructions) so that deep and huge rule files are
** reached quickly, with the plugins of FUZZ_PLUGIN_DIR loaded (environment
** CLEAVE_FUZZ_PLUGINS overrides it; "none" loads none) and list files read
** from tests/fuzz/rules_dir/lists/ (the recipes' lists and the one of
** tests/fixtures/evaluators/gen_rules.py). When it loads:
**   * the graph is bound to a header made of the columns it declares;
**   * FUZZ_ROWS records are made up, deterministically from the input, from
**     awkward values (empty, junk, huge, NaN, boundary dates, long texts) and
**     from the graph's own constants (each number, and one either side; each
**     text, set item and tag, tag lists joined with the column's separator);
**   * the row evaluator (eval.h) and the batch evaluator (batch.h) must give
**     every record the same value of every macro split, the same micro
**     segments and the same count of invalid values, per column and per
**     plugin call site (call_sites.h: calls that give no result from
**     present arguments), with the same first example.
** Load errors must be CL_EXIT_RULES with a message.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "buf.h"
#include "config.h"
#include "datecalc.h"
#include "error.h"
#include "eval.h"
#include "graph.h"
#include "host_api.h"
#include "log.h"
#include "plugin_loader.h"
#include "rules.h"

#include "fuzz.h"

#ifndef FUZZ_PLUGIN_DIR
#define FUZZ_PLUGIN_DIR "build/plugins"
#endif
#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

#define FUZZ_ROWS 150 /* more than two bitmap words of the batch evaluator */
#define FUZZ_MEM (8u << 20)
#define FUZZ_INSTR 1000000L

static logger lg;
static cleave_host host;
static plugin_set plugins;
static config cfg;
static int ready;
static int verbose; /* CLEAVE_FUZZ_VERBOSE=1: say what each input did */

static void setup_once(void) {
  if (ready) return;
  ready = 1;
  verbose = getenv("CLEAVE_FUZZ_VERBOSE") != NULL;
  FILE *devnull = fopen("/dev/null", "w");
  log_init(&lg, LOG_ERROR, devnull ? devnull : stderr);
  host_api_make(&host, &lg);
  config_init(&cfg);
  memset(&plugins, 0, sizeof plugins);
  const char *dir = getenv("CLEAVE_FUZZ_PLUGINS");
  if (!dir) dir = FUZZ_PLUGIN_DIR;
  if (strcmp(dir, "none") == 0) return;
  cl_error err = {0, ""};
  if (plugins_load_dir(&plugins, dir, &err) || plugins_init(&plugins, &host, &cfg, &err)) {
    fprintf(stderr, "fuzz_rules: no plugins (%s)\n", err.msg);
    plugins_free(&plugins);
    memset(&plugins, 0, sizeof plugins);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setup_once();
  return 0;
}

/* --- values for the made-up records ---------------------------------------------------- */

typedef struct pool {
  char **v;
  size_t n, cap;
} pool;

static void pool_add(pool *p, const char *s, size_t len) {
  if (p->n >= 4096) return; /* enough to choose from */
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->v = cl_realloc(p->v, p->cap * sizeof *p->v);
  }
  p->v[p->n++] = cl_strndup(s, len);
}

static void pool_adds(pool *p, const char *s) { pool_add(p, s, strlen(s)); }

static void pool_num(pool *p, double x) {
  char b[64];
  if (!isfinite(x)) return;
  snprintf(b, sizeof b, "%.17g", x);
  pool_adds(p, b);
  snprintf(b, sizeof b, "%.17g", x + 1);
  pool_adds(p, b);
  snprintf(b, sizeof b, "%.17g", x - 1);
  pool_adds(p, b);
  if (x == floor(x) && fabs(x) < 1e15) {
    snprintf(b, sizeof b, "%.0f", x);
    pool_adds(p, b);
  }
}

static void pool_date(pool *p, int32_t d) {
  char b[16];
  if (d < -700000 || d > 2900000) return; /* years 0..9999 */
  for (int k = -1; k <= 1; k++) {
    date_format_iso(d + k, b);
    pool_adds(p, b);
  }
}

static void pool_free(pool *p) {
  for (size_t i = 0; i < p->n; i++) free(p->v[i]);
  free(p->v);
}

static const char *const awkward[] = {
    "", "0", "1", "-1", "35", "64.5", "-0", "1e3", "1E-3", " 7", "7 ", "0x10", "1,5",
    "nan", "NaN", "inf", "-inf", "9007199254740993", "1.7976931348623157e308", "1e309",
    "2026-11-01", "2026-10-31", "1970-01-01", "2024-02-29", "2023-02-29", "2026-13-01",
    "0000-01-01", "9999-12-31", "26-11-01", "abc", "ABC", "a;b", "tech;outdoor;travel",
    ";;", "tech", "GB", "DE", "SW1A 1AA", "EC1", "\xc3\xa9t\xc3\xa9", "\xff\xfe",
    "a very long text value, longer than sixteen bytes and then some more of it",
};

/* The graph's constants: numbers (and either side), dates, texts, set items. */
static void pool_from_graph(const graph *g, pool *texts, pool *nums) {
  for (uint32_t i = 0; i < g->nnodes; i++) {
    const node *nd = &g->nodes[i];
    switch (nd->kind) {
    case N_CONST:
      if (nd->u.cval.missing) break;
      if (nd->type == VT_NUMBER) pool_num(nums, nd->u.cval.u.number);
      else if (nd->type == VT_DATE) pool_date(nums, nd->u.cval.u.date);
      else if (nd->type == VT_TEXT && nd->u.cval.u.str.ptr)
        pool_add(texts, nd->u.cval.u.str.ptr, nd->u.cval.u.str.len);
      break;
    case N_BETWEEN:
      if (nd->nkids && g->nodes[nd->kids[0]].type == VT_DATE) {
        pool_date(nums, (int32_t)nd->u.range.lo);
        pool_date(nums, (int32_t)nd->u.range.hi);
      } else {
        pool_num(nums, nd->u.range.lo);
        pool_num(nums, nd->u.range.hi);
      }
      break;
    case N_IN:
    case N_PREFIX:
    case N_HAS:
      for (uint32_t k = 0; k < nd->u.in.set.n; k++) {
        pool_add(texts, nd->u.in.set.items[k], nd->u.in.set.lens[k]);
        if (nd->kind == N_PREFIX) { /* a text that starts with it */
          char b[80];
          snprintf(b, sizeof b, "%.*sX", (int)(nd->u.in.set.lens[k] > 70 ? 70 : nd->u.in.set.lens[k]),
                   nd->u.in.set.items[k]);
          pool_adds(texts, b);
        }
      }
      for (size_t k = 0; k < nd->u.in.nnums; k++) pool_num(nums, nd->u.in.nums[k]);
      break;
    default:
      break;
    }
  }
  for (uint32_t s = 0; s < g->nslots; s++)
    for (uint32_t k = 0; k < g->slots[s].tags.n; k++)
      pool_add(texts, g->slots[s].tags.items[k], g->slots[s].tags.lens[k]);
}

/* --- the check ------------------------------------------------------------------------- */

typedef struct table {
  char **header;    /* distinct slot columns */
  size_t ncols;
  cleave_str *rows; /* FUZZ_ROWS * ncols, row-major */
  buf text;         /* their bytes */
  size_t *off;      /* offsets into text while building */
} table;

static int header_has(const table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++)
    if (strcmp(t->header[i], name) == 0) return 1;
  return 0;
}

static char slot_sep(const graph *g, const char *column) {
  for (uint32_t s = 0; s < g->nslots; s++)
    if (g->slots[s].type == VT_TAGS && strcmp(g->slots[s].column, column) == 0)
      return g->slots[s].sep ? g->slots[s].sep : ';';
  return 0;
}

static void make_table(const graph *g, table *t, uint64_t seed) {
  memset(t, 0, sizeof *t);
  t->header = cl_calloc(g->nslots ? g->nslots : 1, sizeof *t->header);
  for (uint32_t s = 0; s < g->nslots; s++)
    if (!header_has(t, g->slots[s].column)) t->header[t->ncols++] = cl_strdup(g->slots[s].column);
  pool texts = {0}, nums = {0};
  pool_from_graph(g, &texts, &nums);
  size_t ncells = FUZZ_ROWS * (t->ncols ? t->ncols : 1);
  t->off = cl_calloc(ncells, sizeof *t->off);
  size_t *len = cl_calloc(ncells, sizeof *len);
  uint64_t rng = seed;
  for (size_t c = 0; c < t->ncols; c++) {
    char sep = slot_sep(g, t->header[c]);
    for (size_t i = 0; i < FUZZ_ROWS; i++) {
      size_t at = t->text.len;
      uint64_t r = fuzz_next(&rng);
      int parts = sep ? 1 + (int)(r >> 60) % 3 : 1;
      for (int k = 0; k < parts; k++) {
        uint64_t q = fuzz_next(&rng);
        const char *v;
        switch (q % 4) {
        case 0: v = awkward[(q >> 8) % (sizeof awkward / sizeof awkward[0])]; break;
        case 1: v = nums.n ? nums.v[(q >> 8) % nums.n] : "12"; break;
        default: v = texts.n ? texts.v[(q >> 8) % texts.n] : "x"; break;
        }
        if (k) buf_putc(&t->text, sep);
        if (*v) buf_puts(&t->text, v); /* buf_put(NULL + 0): UB to clang's UBSan */
      }
      if ((r & 31) == 0) t->text.len = at; /* some missing values whatever the pools */
      t->off[i * t->ncols + c] = at;
      len[i * t->ncols + c] = t->text.len - at;
    }
  }
  buf_putc(&t->text, '\0');
  t->rows = cl_calloc(ncells, sizeof *t->rows);
  for (size_t k = 0; k < FUZZ_ROWS * t->ncols; k++)
    t->rows[k] = (cleave_str){len[k] ? t->text.p + t->off[k] : "", len[k]};
  free(len);
  pool_free(&texts);
  pool_free(&nums);
}

static void free_table(table *t) {
  for (size_t i = 0; i < t->ncols; i++) free(t->header[i]);
  free(t->header);
  free(t->rows);
  free(t->off);
  buf_free(&t->text);
}

static void show_row(const table *t, size_t i) {
  fprintf(stderr, "record %zu:", i);
  for (size_t c = 0; c < t->ncols; c++)
    fprintf(stderr, " %s='%.*s'", t->header[c], (int)t->rows[i * t->ncols + c].len,
            t->rows[i * t->ncols + c].ptr);
  fputc('\n', stderr);
}

static void compare_evaluators(const graph *g, const table *t) {
  cl_error err = {0, ""};
  void **ts_row = NULL, **ts_batch = NULL;
  FUZZ_CHECK(plugins_thread_init(&plugins, &ts_row, &err) == 0, "thread_init: %s", err.msg);
  FUZZ_CHECK(plugins_thread_init(&plugins, &ts_batch, &err) == 0, "thread_init: %s", err.msg);
  size_t nc = t->ncols;

  /* row evaluator: macro values and micro bits per record */
  uint32_t *mv = cl_calloc((size_t)FUZZ_ROWS * (g->nmacros ? g->nmacros : 1), sizeof *mv);
  uint8_t *mi = cl_calloc((size_t)FUZZ_ROWS * (g->nmicros ? g->nmicros : 1), 1);
  eval_ctx ec;
  eval_ctx_init(&ec, g, ts_row);
  ec.invalid = 0;
  for (size_t i = 0; i < FUZZ_ROWS; i++) {
    eval_begin(&ec, t->rows + i * nc);
    for (uint32_t m = 0; m < g->nmacros; m++) {
      mv[i * g->nmacros + m] = eval_macro(&ec, m);
      FUZZ_CHECK(mv[i * g->nmacros + m] < g->macros[m].nvalues, "macro %s: value %u of %u",
                 g->macros[m].name, mv[i * g->nmacros + m], g->macros[m].nvalues);
    }
    for (uint32_t k = 0; k < g->nmicros; k++)
      mi[i * g->nmicros + k] = (uint8_t)(eval_pred(&ec, g->micros[k].pred) != 0);
    eval_count_invalid(&ec);
  }
  uint64_t row_invalid = ec.invalid;
  uint32_t ne = tally_entries(g);
  slot_tally *row_tally = cl_calloc(ne ? ne : 1, sizeof *row_tally);
  tally_add(row_tally, ec.tally, ne);
  eval_ctx_free(&ec);

  /* batch evaluator over the same records, column by column */
  const cleave_str **cols = cl_calloc(nc ? nc : 1, sizeof *cols);
  cleave_str *colmajor = cl_calloc((size_t)FUZZ_ROWS * (nc ? nc : 1), sizeof *colmajor);
  for (size_t c = 0; c < nc; c++) {
    for (size_t i = 0; i < FUZZ_ROWS; i++) colmajor[c * FUZZ_ROWS + i] = t->rows[i * nc + c];
    cols[c] = colmajor + c * FUZZ_ROWS;
  }
  batch_ctx bc;
  batch_init(&bc, g, ts_batch);
  bc.invalid = 0;
  batch_begin(&bc, cols, FUZZ_ROWS);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const uint32_t *v = batch_macro(&bc, m);
    for (size_t i = 0; i < FUZZ_ROWS; i++)
      if (v[i] != mv[i * g->nmacros + m]) {
        show_row(t, i);
        FUZZ_CHECK(0, "macro %s (line %u), record %zu: row evaluator '%s', batch '%s'",
                   g->macros[m].name, g->macros[m].line, i,
                   g->macros[m].values[mv[i * g->nmacros + m]],
                   v[i] < g->macros[m].nvalues ? g->macros[m].values[v[i]] : "(out of range)");
      }
  }
  batch_count_invalid(&bc);
  for (uint32_t k = 0; k < g->nmicros; k++) {
    const uint64_t *bits = batch_micro(&bc, k);
    for (size_t i = 0; i < FUZZ_ROWS; i++) {
      int b = (int)((bits[i / 64] >> (i % 64)) & 1);
      if (b != mi[i * g->nmicros + k]) {
        show_row(t, i);
        FUZZ_CHECK(0, "micro %s (line %u), record %zu: row evaluator %d, batch %d",
                   g->micros[k].name, g->micros[k].line, i, mi[i * g->nmicros + k], b);
      }
    }
  }
  FUZZ_CHECK(bc.invalid == row_invalid, "invalid values: row evaluator %llu, batch %llu",
             (unsigned long long)row_invalid, (unsigned long long)bc.invalid);
  for (uint32_t s = 0; s < ne; s++) /* per column and call site, as max_invalid reads them */
    FUZZ_CHECK(bc.tally[s].present == row_tally[s].present && bc.tally[s].bad == row_tally[s].bad &&
                   bc.tally[s].ex_len == row_tally[s].ex_len &&
                   memcmp(bc.tally[s].ex, row_tally[s].ex, row_tally[s].ex_len) == 0,
               "%s %u (%s, line %u): row evaluator %llu of %llu unreadable ('%.*s'), batch %llu "
               "of %llu ('%.*s')", s < g->nslots ? "slot" : "call site",
               s < g->nslots ? s : s - g->nslots,
               s < g->nslots ? g->slots[s].column : g->nodes[g->sites[s - g->nslots].node].u.call.label,
               s < g->nslots ? g->slots[s].line : g->nodes[g->sites[s - g->nslots].node].line,
               (unsigned long long)row_tally[s].bad, (unsigned long long)row_tally[s].present,
               (int)row_tally[s].ex_len, row_tally[s].ex, (unsigned long long)bc.tally[s].bad,
               (unsigned long long)bc.tally[s].present, (int)bc.tally[s].ex_len, bc.tally[s].ex);
  free(row_tally);
  batch_free(&bc);
  free(cols);
  free(colmajor);
  free(mv);
  free(mi);
  plugins_thread_fini(&plugins, ts_row);
  plugins_thread_fini(&plugins, ts_batch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup_once();
  rules_opts o;
  memset(&o, 0, sizeof o);
  o.path = FUZZ_SRCDIR "/tests/fuzz/rules_dir/fuzz.lua"; /* lists/ beside it */
  o.display = "fuzz.lua";
  o.source = size ? (const char *)data : "";
  o.source_len = size;
  o.as_of = date_from_civil(2026, 11, 1);
  o.mem_limit = FUZZ_MEM;
  o.instr_limit = FUZZ_INSTR;
  o.plugins = &plugins;
  o.host = &host;
  o.log = &lg;
  graph g;
  cl_error err = {0, ""};
  int rc = rules_load(&g, &o, &err);
  if (verbose) {
    if (rc) fprintf(stderr, "fuzz_rules: not loaded: %s\n", err.msg);
    else fprintf(stderr, "fuzz_rules: loaded: %u nodes, %u columns, %u macros, %u micros\n",
                 g.nnodes, g.nslots, g.nmacros, g.nmicros);
  }
  if (rc != 0) {
    FUZZ_CHECK(rc == CL_EXIT_RULES || rc == CL_EXIT_PLUGIN, "rules_load returned %d: %s", rc,
               err.msg);
    FUZZ_CHECK(err.code == rc && err.msg[0], "rules_load returned %d with error %d '%s'", rc,
               err.code, err.msg);
    graph_free(&g);
    return 0;
  }
  table t;
  make_table(&g, &t, fuzz_hash(data, size));
  rc = rules_bind(&g, t.header, t.ncols, "fuzz.csv", &err);
  FUZZ_CHECK(rc == 0, "binding to the declared columns failed: %s", err.msg);
  compare_evaluators(&g, &t);
  free_table(&t);
  graph_free(&g);
  return 0;
}
