/* SPDX-License-Identifier: MIT */
/*
** explain.c -- `cleave explain`: find one row, evaluate it with the row
** evaluator, print every split and segment as a tree a marketer can read:
**
**   ✗ income >= 150000  (income = 92000)
*/
#include <stdlib.h>
#include <string.h>

#include "csv_scan.h"
#include "datecalc.h"
#include "explain.h"
#include "invalid.h"
#include "messages.h"
#include "render.h"
#include "row_accept.h"
#include "run.h"
#include "utf8.h"
#include "values.h"

#define YES "\xE2\x9C\x93" /* ✓ */
#define NO "\xE2\x9C\x97"  /* ✗ */

static void indent(buf *out, int depth) {
  for (int i = 0; i < depth; i++) buf_puts(out, "  ");
}

static int is_logic(const node *n) {
  return n->kind == N_AND || n->kind == N_OR || n->kind == N_ATLEAST ||
         (n->kind == N_NOT && n->nkids == 1);
}

/* " is missing" for an empty field, or what a field held that the rules
** cannot read as its type: ' is not a number: "1,000" (read as missing)'. */
static void missing_why(eval_ctx *ec, const node *kid, buf *out) {
  if (kid->kind == N_FIELD) {
    const slot *sl = &ec->g->slots[kid->u.slot];
    cleave_str raw = ec->cols[sl->col];
    if (raw.len && !val_field_reads(sl->type, raw.ptr, raw.len)) {
      buf_printf(out, " is not %s: ", sl->type == VT_DATE ? "a date" : "a number");
      invalid_quote(out, raw.ptr, raw.len);
      buf_puts(out, " (read as missing)");
      return;
    }
  }
  buf_puts(out, " is missing");
}

/* "(age = 42)" for the operands of a test that are not constants. */
static void show_operands(eval_ctx *ec, const node *n, buf *out) {
  const graph *g = ec->g;
  int shown = 0;
  for (uint32_t k = 0; k < n->nkids; k++) {
    const node *kid = &g->nodes[n->kids[k]];
    if (kid->kind == N_CONST || kid->type == VT_BOOL) continue;
    cleave_value v;
    eval_value(ec, n->kids[k], &v);
    buf_puts(out, shown++ ? ", " : "  (");
    render_node(g, n->kids[k], out);
    if (v.missing) {
      missing_why(ec, kid, out);
      continue;
    }
    buf_puts(out, " = ");
    render_value(g, &v, kid->kind == N_MACRO ? (int)kid->u.macro : -1, out);
  }
  if (shown) buf_putc(out, ')');
}

static void explain_node(eval_ctx *ec, uint32_t id, int depth, const char *label, buf *out) {
  const graph *g = ec->g;
  const node *n = &g->nodes[id];
  int held = eval_pred(ec, id);
  indent(out, depth);
  buf_puts(out, held ? YES " " : NO " ");
  if (label) buf_puts(out, label);
  /* "not (one test)" reads better on one line */
  if (n->kind == N_NOT && !is_logic(&g->nodes[n->kids[0]]) &&
      g->nodes[n->kids[0]].kind != N_MISSING) {
    buf_puts(out, "not ");
    render_node(g, n->kids[0], out);
    show_operands(ec, &g->nodes[n->kids[0]], out);
    buf_putc(out, '\n');
    return;
  }
  render_node(g, id, out);
  if (!is_logic(n) || (n->kind == N_NOT && g->nodes[n->kids[0]].kind == N_MISSING)) {
    show_operands(ec, n->kind == N_NOT ? &g->nodes[n->kids[0]] : n, out);
    buf_putc(out, '\n');
    return;
  }
  buf_puts(out, ":\n");
  const node *inner = n->kind == N_NOT ? &g->nodes[n->kids[0]] : n; /* none of */
  for (uint32_t k = 0; k < inner->nkids; k++) explain_node(ec, inner->kids[k], depth + 1, NULL, out);
}

void explain_record(eval_ctx *ec, const explain_focus *fo, buf *out) {
  const graph *g = ec->g;
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    int won = eval_macro_case(ec, m);
    buf_printf(out, "macro %s = %s\n", mc->name,
               mc->values[won >= 0 ? mc->cases[won].value : mc->otherwise]);
    if (fo && fo->macros && !fo->macros[m]) continue; /* its value only */
    for (uint32_t c = 0; c < mc->ncases; c++) {
      char label[256];
      snprintf(label, sizeof label, "%s: ", mc->values[mc->cases[c].value]);
      if ((int)c > won && won >= 0) { /* first match wins: later cases are not tried */
        buf_printf(out, "  - %s", label);
        render_node(g, mc->cases[c].pred, out);
        buf_puts(out, "  (not tried)\n");
        continue;
      }
      size_t at = out->len;
      explain_node(ec, mc->cases[c].pred, 1, label, out);
      if ((int)c == won) { /* mark the winner at the end of its first line */
        char *nl = memchr(out->p + at, '\n', out->len - at);
        size_t pos = (size_t)(nl - out->p);
        buf tail = {0};
        buf_put(&tail, nl, out->len - pos);
        out->len = pos;
        buf_puts(out, "   <- wins");
        buf_put(out, tail.p, tail.len);
        buf_free(&tail);
      }
    }
    buf_printf(out, "  %s otherwise: %s\n", won < 0 ? YES : "-", mc->values[mc->otherwise]);
  }
  buf_puts(out, "micro segments:");
  int any = 0;
  for (uint32_t i = 0; i < g->nmicros; i++)
    if (eval_pred(ec, g->micros[i].pred)) {
      buf_printf(out, "%s%s", any ? MICRO_LIST_SEP_STR : " ", g->micros[i].name);
      any = 1;
    }
  buf_puts(out, any ? "\n" : " none\n");
  for (uint32_t i = 0; i < g->nmicros; i++) {
    if (fo && fo->micros && !fo->micros[i]) continue;
    char label[256];
    snprintf(label, sizeof label, "%s: ", g->micros[i].name);
    explain_node(ec, g->micros[i].pred, 1, label, out);
  }
}

/* --- finding the row --------------------------------------------------------- */

typedef struct finder {
  const cli_opts *o;
  const seg_shape *sh;
  uint64_t rows;      /* data rows seen */
  uint64_t base;      /* line number of the chunk's first line */
  int found;
  char *why_bad;      /* the row was rejected: the reason */
  uint64_t line;
  cleave_str *cols;   /* owned copies */
} finder;

static int wanted(finder *f, const csv_row *r) {
  if (f->o->row > 0) return f->rows == (uint64_t)f->o->row;
  const cleave_str id = r->nfields > f->sh->id_col ? r->cols[f->sh->id_col] : (cleave_str){"", 0};
  const char *want = f->o->args[0];
  return id.len == strlen(want) && memcmp(id.ptr, want, id.len) == 0;
}

static void keep_row(finder *f, const csv_row *r) {
  f->found = 1;
  f->line = f->base + r->line;
  f->cols = cl_calloc(f->sh->ncols, sizeof *f->cols);
  for (size_t c = 0; c < f->sh->ncols && c < r->nfields; c++) {
    if (!r->cols[c].len) continue;
    f->cols[c].ptr = cl_strndup(r->cols[c].ptr, r->cols[c].len);
    f->cols[c].len = r->cols[c].len;
  }
}

static void found_row(void *ud, const csv_row *r) {
  finder *f = ud;
  if (f->found) return;
  f->rows++;
  if (!wanted(f, r)) return;
  keep_row(f, r);
  char why[ROW_REASON_MAX];
  const char *reason = row_accept(f->sh, r, why, sizeof why); /* what cleave run decides */
  if (reason) f->why_bad = cl_strdup(reason);
}

static void bad_row(void *ud, const csv_row *r, const char *reason) {
  finder *f = ud;
  if (f->found) return;
  f->rows++;
  if (f->o->row > 0 && f->rows == (uint64_t)f->o->row) {
    f->found = 1;
    f->line = f->base + r->line;
    f->why_bad = cl_strdup(reason);
  }
}

static int find_row(session *s, bound_input *b, finder *f, cl_error *err) {
  csv_scan scan;
  uint8_t *all = cl_malloc(b->ncols);
  memset(all, 1, b->ncols);
  (void)s;
  seg_scan_init(&scan, &b->shape, all, found_row, bad_row, f);
  int rc = scan_input(b, &scan, &f->base, &f->found, err);
  csv_scan_free(&scan);
  free(all);
  return rc;
}

static int explain_found(session *s, bound_input *b, finder *f, cl_error *err) {
  char asof[16];
  date_format_iso(s->cfg.as_of, asof);
  if (f->why_bad) {
    printf(MSG_EXPLAIN_REJECTED "\n", b->in.name, (unsigned long long)f->line, f->why_bad);
    return CL_EXIT_FAIL;
  }
  const cleave_str id = f->cols[b->shape.id_col];
  buf head = {0}, clean = {0};
  buf_printf(&head, "customer %.*s: %s line %llu, as of %s, rules %s\n\n", (int)id.len, id.ptr,
             b->in.name, (unsigned long long)f->line, asof, s->g.rules_path);
  utf8_sanitize_into(&clean, head.p, head.len); /* valid UTF-8, whatever the input's bytes */
  fwrite(clean.p, 1, clean.len, stdout);
  buf_free(&head);
  buf_free(&clean);
  void **ts;
  if (plugins_thread_init(&s->plugins, &ts, err)) return err->code;
  eval_ctx ec;
  eval_ctx_init(&ec, &s->g, ts);
  eval_begin(&ec, f->cols);
  buf out = {0};
  explain_record(&ec, NULL, &out);
  utf8_sanitize_into(&clean, out.p, out.len);
  fwrite(clean.p, 1, clean.len, stdout);
  buf_free(&out);
  buf_free(&clean);
  eval_ctx_free(&ec);
  plugins_thread_fini(&s->plugins, ts);
  return 0;
}

int cmd_explain(const cli_opts *o) {
  session s;
  cl_error err = {0, ""};
  bound_input b;
  memset(&b, 0, sizeof b);
  finder f;
  memset(&f, 0, sizeof f);
  f.o = o;
  int rc = session_open(&s, o, &err);
  if (!rc) rc = session_rules(&s, NULL, NULL, &err);
  if (!rc) rc = bind_input(&s, &b, &err);
  f.sh = &b.shape;
  if (!rc) rc = find_row(&s, &b, &f, &err);
  if (!rc && !f.found) {
    if (o->row > 0)
      rc = cl_fail(&err, CL_EXIT_FAIL, "%s has %llu rows, not %ld", b.in.name,
                   (unsigned long long)f.rows, o->row);
    else
      rc = cl_fail(&err, CL_EXIT_FAIL, "no row with %s '%s' in %s", s.cfg.id_column,
                   o->args[0], b.in.name);
  }
  if (!rc) rc = explain_found(&s, &b, &f, &err);
  else log_msg(&s.log, LOG_ERROR, "%s", err.msg);
  for (size_t c = 0; f.cols && c < b.ncols; c++) free((char *)f.cols[c].ptr);
  free(f.cols);
  free(f.why_bad);
  bound_input_free(&b);
  session_close(&s);
  return rc;
}
