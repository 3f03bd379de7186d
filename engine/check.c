/* SPDX-License-Identifier: MIT */
/*
** check.c -- `cleave check`: validate the rules against the input's header
** and its first rows, and print a report; nothing is written.
**
**   cleave check: scripts/retail_v1.lua against sample/customers.csv (as of 2026-11-01)
**     4 macro splits, 24 micro segments, 18 columns read; values checked in 20000 rows (the whole input)
**     warning: scripts/retail_v1.lua:44: macro split 'life_stage': case ...
**   sample: 1000 rows                      (with --sample N)
**     macro life_stage: unknown 20 (2.0%), gen_z 150 (15.0%), ...
**     micro young_urban_loyalists 62 (6.2%)
**   0 errors, 1 warning
**
** Errors that stop the rules loading or binding (Lua errors, unknown
** columns, a bad engine.ini, a plugin refused, an unreadable input) are
** reported the same way and keep their exit code; otherwise the exit code is
** 1 when there are errors (or warnings, with --strict) and 0 when not.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "check_internal.h"
#include "render.h"
#include "datecalc.h"

/* The value checks (numbers, dates, UTF-8, rows run would reject, the
** max_invalid limits) read the whole input when it is a regular file of at
** most CHECK_WHOLE_BYTES on disk, else the first CHECK_VALUE_ROWS rows (or
** --sample N, when more). Sizes are counted on the first N rows. */
#define CHECK_WHOLE_BYTES (64ull << 20)
#define CHECK_VALUE_ROWS 100000

void check_add(check_report *r, finding_list *to, int error, uint32_t line, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = cl_malloc(n > 0 ? (size_t)n + 1 : 1);
  vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
  va_end(ap2);
  if (to->n == to->cap) {
    to->cap = to->cap ? to->cap * 2 : 16;
    to->v = cl_realloc(to->v, to->cap * sizeof *to->v);
  }
  to->v[to->n++] = (finding){error, line, msg};
  if (error == CHK_ERROR) r->errors++;
  else if (error == CHK_WARNING) r->warnings++;
}

static void list_free(finding_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i].msg);
  free(l->v);
}

/* The line a message "path:LINE: ..." names in the rule file, or 0. */
static uint32_t line_in(const char *msg, const char *path) {
  size_t n = path ? strlen(path) : 0;
  if (!n || strncmp(msg, path, n) != 0 || msg[n] != ':') return 0;
  char *end;
  unsigned long line = strtoul(msg + n + 1, &end, 10);
  return end > msg + n + 1 && *end == ':' ? (uint32_t)line : 0;
}

/* Messages from the engine, one finding per line of text. */
static void add_lines(check_report *r, int error, const char *path, const char *text) {
  while (*text) {
    size_t len = strcspn(text, "\n");
    char *one = cl_strndup(text, len);
    if (len) check_add(r, &r->rules, error, line_in(one, path), "%s", one);
    free(one);
    text += len + (text[len] == '\n');
  }
}

typedef struct warn_ctx {
  check_report *r;
  const char *path;
} warn_ctx;

static void on_warning(void *ud, const char *msg) {
  warn_ctx *w = ud;
  add_lines(w->r, CHK_WARNING, w->path, msg);
}

/* In rule-file order (stable); findings without a line last. */
static void sort_findings(finding_list *l) {
  for (size_t i = 1; i < l->n; i++) {
    finding f = l->v[i];
    uint64_t key = f.line ? f.line : UINT64_MAX;
    size_t j = i;
    while (j > 0 && (l->v[j - 1].line ? l->v[j - 1].line : UINT64_MAX) > key) {
      l->v[j] = l->v[j - 1];
      j--;
    }
    l->v[j] = f;
  }
}

static void print_findings(finding_list *l) {
  sort_findings(l);
  for (size_t i = 0; i < l->n; i++)
    printf("  %s: %s\n", l->v[i].error == CHK_ERROR ? "error"
                          : l->v[i].error == CHK_NOTE ? "note" : "warning", l->v[i].msg);
}

/* How many distinct columns the slots read (a hash set: 10,000 declared
** columns must not cost 10,000^2 / 2 compares). */
static size_t columns_read(const graph *g) {
  strset seen;
  strset_init(&seen);
  for (uint32_t i = 0; i < g->nslots; i++)
    strset_add(&seen, g->slots[i].column, strlen(g->slots[i].column));
  size_t n = seen.n;
  strset_free(&seen);
  return n;
}

static const char *plural(size_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

typedef struct check_run {
  session s;
  bound_input b;
  int opened, have_rules, bound;
  uint64_t rows;  /* rows the value checks read */
  check_report r;
} check_run;

static void print_report(check_run *c, const cli_opts *o) {
  const config *cfg = &c->s.cfg;
  const graph *g = &c->s.g;
  check_report *r = &c->r;
  printf("cleave check: %s", cfg->rules ? cfg->rules : "(no rule file)");
  const char *in = c->bound ? c->b.in.name : cfg->input;
  if (in) printf(" against %s", strcmp(in, "-") == 0 ? "standard input" : in);
  if (c->opened) {
    char asof[16];
    date_format_iso(cfg->as_of, asof);
    printf(" (as of %s)", asof);
  }
  putchar('\n');
  if (c->have_rules) {
    printf("  %u macro %s, %u micro %s, %zu %s read", g->nmacros,
           plural(g->nmacros, "split", "splits"), g->nmicros,
           plural(g->nmicros, "segment", "segments"), columns_read(g),
           plural(columns_read(g), "column", "columns"));
    if (c->bound) {
      printf("; values checked in %llu %s", (unsigned long long)c->rows,
             plural(c->rows, "row", "rows"));
      if (!c->r.values_cut) printf(" (the whole input)");
      else printf(" (the first of a larger input: --sample N for more)");
    }
    putchar('\n');
  }
  print_findings(&r->rules);
  if (r->sampled) {
    fwrite(r->sizes.p, 1, r->sizes.len, stdout);
    print_findings(&r->sample);
  }
  printf("%zu %s, %zu %s%s\n", r->errors, plural(r->errors, "error", "errors"), r->warnings,
         plural(r->warnings, "warning", "warnings"),
         o->strict && r->warnings ? " (--strict: warnings fail the check)" : "");
  fflush(stdout);
}

/* A note per population threshold: what it resolved to, and from where. */
static void threshold_notes(const graph *g, check_report *r) {
  buf b = {0};
  for (uint32_t i = 0; i < g->nquants; i++) {
    const graph_quant *t = &g->quants[i];
    b.len = 0;
    render_node(g, t->cmp, &b);
    check_add(r, &r->rules, CHK_NOTE, t->line, "%s:%u: %s:%s is %s, from %s", g->rules_path,
              t->line, g->slots[t->slot].column, t->method, buf_cstr(&b),
              g->quant_source ? g->quant_source : "?");
  }
  buf_free(&b);
}

/* Everything up to the report; returns a load error's code, or 0. */
static int run_checks(check_run *c, const cli_opts *o, cl_error *err) {
  session *s = &c->s;
  if (session_open(s, o, err)) return err->code;
  c->opened = 1;
  warn_ctx w = {&c->r, s->cfg.rules};
  if (session_rules(s, on_warning, &w, err)) return err->code;
  c->have_rules = 1;
  check_static(&s->g, &c->r);
  threshold_notes(&s->g, &c->r);
  if (bind_input(s, &c->b, err)) return err->code;
  c->bound = 1;
  struct stat st;
  int small = fstat(c->b.in.fd, &st) == 0 && S_ISREG(st.st_mode) &&
              (uint64_t)st.st_size <= CHECK_WHOLE_BYTES;
  uint64_t sized = o->sample > 0 ? (uint64_t)o->sample : 0;
  c->rows = small ? UINT64_MAX : sized > CHECK_VALUE_ROWS ? sized : CHECK_VALUE_ROWS;
  return check_sample(s, &c->b, &c->rows, sized, &c->r, err);
}

int cmd_check(const cli_opts *o) {
  check_run *c = cl_calloc(1, sizeof *c);
  cl_error err = {0, ""};
  int rc = run_checks(c, o, &err);
  if (rc) add_lines(&c->r, CHK_ERROR, c->s.cfg.rules, err.msg);
  print_report(c, o);
  if (!rc && (c->r.errors || (o->strict && c->r.warnings))) rc = CL_EXIT_FAIL;
  list_free(&c->r.rules);
  list_free(&c->r.sample);
  buf_free(&c->r.sizes);
  bound_input_free(&c->b);
  session_close(&c->s);
  free(c);
  return rc;
}
