/* SPDX-License-Identifier: MIT */
/*
** check_sample.c -- `cleave check` on the rows of the input (all of a small
** file; check.c decides): number and date columns whose values do not read
** as numbers or dates, plugin calls that give no result from present
** values (call_sites.h), rows that `cleave run` would reject, and (with
** --sample N) the size of every macro value and micro segment in the first
** N rows, evaluated with the row evaluator.
*/
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "check_internal.h"
#include "csv_scan.h"
#include "datecalc.h"
#include "eval.h"
#include "messages.h"
#include "row_accept.h"
#include "utf8.h"
#include "values.h"

/* What one number or date column held: counted as cleave run counts it
** (invalid.h), with the input line of the first bad value. */
typedef struct slot_stat {
  slot_tally t;
  uint64_t line;
  uint64_t blank, blank_line; /* of the bad values: only spaces and tabs */
  slot_tally other;           /* the bad values that are not blank */
  uint64_t other_line;
} slot_stat;

/* Only spaces and tabs (what num_parse trims): blank, so missing. */
static int is_blank(cleave_str v) {
  for (size_t i = 0; i < v.len; i++)
    if (v.ptr[i] != ' ' && v.ptr[i] != '\t') return 0;
  return 1;
}

typedef struct sampler {
  const graph *g;
  const bound_input *b;
  csv_scan *scan;
  uint64_t want;          /* rows to read */
  uint64_t rows;          /* rows read, rejected ones included */
  uint64_t evaluated;
  uint64_t rejected;
  uint64_t rej_line;      /* the first rejected row */
  char rej_reason[ROW_REASON_MAX];
  int done;               /* the sample is complete */
  uint64_t base;          /* input line of the current chunk's first line */
  slot_stat *slots;
  int sizes;
  uint64_t sized;         /* sizes: the first sized rows */
  uint64_t s_rows, s_evaluated, s_rejected; /* of them: read, evaluated, rejected */
  eval_ctx ec;            /* with sizes or call sites */
  int calls;              /* the rules call plugins: count their failures */
  uint64_t *site_line;    /* per call site: the input line of its first failure */
  uint64_t *value_counts; /* by shape.value_base[m] + value */
  uint64_t *micro_counts;
  uint64_t *bad_utf8;     /* per input column: kept fields not valid UTF-8 */
  uint64_t *bad_utf8_line;/* the first one's line */
} sampler;


static void reject(sampler *sp, uint64_t line, const char *reason) {
  if (sp->rejected++ == 0) {
    sp->rej_line = line;
    snprintf(sp->rej_reason, sizeof sp->rej_reason, "%s", reason);
  }
}

static void check_values(sampler *sp, const csv_row *r, uint64_t line) {
  const graph *g = sp->g;
  for (uint32_t s = 0; s < g->nslots; s++) {
    const slot *sl = &g->slots[s];
    if (sl->type != VT_NUMBER && sl->type != VT_DATE) continue;
    cleave_str v = r->cols[sl->col];
    if (!v.len) continue;
    slot_stat *st = &sp->slots[s];
    st->t.present++;
    if (!val_field_reads(sl->type, v.ptr, v.len)) {
      if (!st->t.bad) st->line = line;
      tally_bad(&st->t, v.ptr, v.len);
      if (is_blank(v)) {
        if (!st->blank++) st->blank_line = line;
      } else {
        if (!st->other.bad) st->other_line = line;
        tally_bad(&st->other, v.ptr, v.len);
      }
    }
  }
}

static void evaluate(sampler *sp, const csv_row *r) {
  const graph *g = sp->g;
  const seg_shape *sh = &sp->b->shape;
  eval_begin(&sp->ec, r->cols);
  for (uint32_t m = 0; m < g->nmacros; m++)
    sp->value_counts[sh->value_base[m] + eval_macro(&sp->ec, m)]++;
  for (uint32_t k = 0; k < g->nmicros; k++)
    sp->micro_counts[k] += (uint64_t)eval_pred(&sp->ec, g->micros[k].pred);
}

static void sample_done(sampler *sp) {
  sp->done = 1;
  csv_scan_stop(sp->scan);
}

static void on_row(void *ud, const csv_row *r) {
  sampler *sp = ud;
  const seg_shape *sh = &sp->b->shape;
  uint64_t line = sp->base + r->line;
  if (sp->rows >= sp->want) return;
  if (++sp->rows == sp->want) sample_done(sp);
  int in_size = sp->sizes && sp->rows <= sp->sized;
  sp->s_rows += (uint64_t)in_size;
  char why[ROW_REASON_MAX];
  const char *reason = row_accept(sh, r, why, sizeof why); /* as cleave run decides */
  if (reason) {
    reject(sp, line, reason);
    sp->s_rejected += (uint64_t)in_size;
    return;
  }
  check_values(sp, r, line);
  for (size_t c = 0; c < sh->ncols; c++) /* as cleave run counts them */
    if (sh->keep[c] && !utf8_valid(r->cols[c].ptr, r->cols[c].len) && !sp->bad_utf8[c]++)
      sp->bad_utf8_line[c] = line;
  if (in_size) {
    evaluate(sp, r);
    sp->s_evaluated++;
  }
  if (sp->calls) { /* every plugin call on every row checked, as cleave run counts them */
    const graph *g = sp->g;
    if (!in_size) eval_begin(&sp->ec, r->cols);
    eval_count_calls(&sp->ec);
    for (uint32_t k = 0; k < g->nsites; k++)
      if (!sp->site_line[k] && sp->ec.tally[g->nslots + k].bad) sp->site_line[k] = line;
  }
  sp->evaluated++;
}

static void on_bad(void *ud, const csv_row *r, const char *reason) {
  sampler *sp = ud;
  if (sp->rows >= sp->want) return;
  if (++sp->rows == sp->want) sample_done(sp);
  int in_size = sp->sizes && sp->rows <= sp->sized;
  sp->s_rows += (uint64_t)in_size;
  sp->s_rejected += (uint64_t)in_size;
  reject(sp, sp->base + r->line, reason);
}

static int read_rows(session *s, bound_input *b, sampler *sp, cl_error *err) {
  csv_scan scan;
  (void)s;
  seg_scan_init(&scan, &b->shape, b->keep, on_row, on_bad, sp);
  sp->scan = &scan;
  /* on_row/on_bad raise sp->done when the sample is complete */
  int rc = scan_input(b, &scan, &sp->base, &sp->done, err);
  csv_scan_free(&scan);
  return rc;
}

/* --- findings ---------------------------------------------------------------- */

/* How a date that is not YYYY-MM-DD is written, when it is a common other
** way ("01/02/2020"); else "". */
static const char *date_shape(const char *s) {
  size_t run[3] = {0, 0, 0}, k = 0;
  char sep = 0;
  for (; *s && k < 3; s++) {
    if (*s >= '0' && *s <= '9') {
      run[k]++;
      continue;
    }
    if (!run[k] || (sep && *s != sep) || (*s != '/' && *s != '.' && *s != '-')) return "";
    sep = *s;
    k++;
  }
  if (*s || k != 2) return "";
  if (run[0] <= 2 && run[1] <= 2 && (run[2] == 4 || run[2] == 2))
    return "; it looks like day and month first, DD/MM/YYYY or MM/DD/YYYY";
  if (run[0] == 4) return "; the year comes first, but not as YYYY-MM-DD";
  return "";
}

/* Plugin calls that gave no result for values present (call_sites.h). */
static void call_findings(const sampler *sp, check_report *r) {
  const graph *g = sp->g;
  buf ex = {0}, name = {0};
  for (uint32_t k = 0; sp->calls && k < g->nsites; k++) {
    const slot_tally *t = &sp->ec.tally[g->nslots + k];
    if (!t->bad) continue;
    uint32_t line = g->nodes[g->sites[k].node].line;
    ex.len = name.len = 0;
    tally_example(&ex, t);
    call_site_name(g, k, &name);
    int all = t->bad == t->present;
    check_add(r, &r->rules, all ? CHK_ERROR : CHK_WARNING, line, "%s:%u: %s: %s%llu of %llu "
              "present values give%s no result (the first: \"%s\" at line %llu of %s): rules "
              "see %s as missing; fix the values or the call's arguments", g->rules_path, line,
              buf_cstr(&name), all ? "all " : "", (unsigned long long)t->bad,
              (unsigned long long)t->present, t->bad == 1 ? "s" : "", buf_cstr(&ex),
              (unsigned long long)sp->site_line[k], sp->b->in.name,
              t->bad == 1 ? "it" : "them");
  }
  buf_free(&ex);
  buf_free(&name);
}

static void value_findings(const sampler *sp, const config *cfg, check_report *r) {
  const graph *g = sp->g;
  const char *in = sp->b->in.name;
  call_findings(sp, r);
  buf ex = {0};
  for (uint32_t s = 0; s < g->nslots; s++) {
    const slot *sl = &g->slots[s];
    const slot_stat *ss = &sp->slots[s];
    const slot_tally *st = &ss->t;
    if (!st->bad) continue;
    /* the example: the first value that is not blank, else the first blank one */
    int blank_only = ss->other.bad == 0;
    uint64_t line = blank_only ? ss->blank_line : ss->other_line;
    ex.len = 0;
    tally_example(&ex, blank_only ? st : &ss->other);
    const char *example = buf_cstr(&ex);
    int date = sl->type == VT_DATE;
    const char *what = date ? "a date" : "a number";
    const char *shape = date && !blank_only ? date_shape(example) : "";
    const char *form = blank_only ? "blank values (only spaces) count as missing, as empty "
                                    "ones do"
                       : date ? "dates must be written YYYY-MM-DD, like 2026-01-31"
                              : "numbers are written like 1234.5, without currency signs "
                                "or thousands separators";
    char blanks[128] = "";
    if (!blank_only && ss->blank)
      snprintf(blanks, sizeof blanks, "; %llu of them %s blank (only spaces, first at line "
               "%llu), which counts as missing", (unsigned long long)ss->blank,
               ss->blank == 1 ? "is" : "are", (unsigned long long)ss->blank_line);
    if (blank_only && st->bad < st->present) /* missing, as intended: a note */
      check_add(r, &r->rules, CHK_NOTE, sl->line, "%s:%u: column '%s' is read as %s, but "
                "%llu of its %llu values checked %s blank (only spaces, e.g. \"%s\" at "
                "line %llu of %s): %s", g->rules_path, sl->line, sl->column, what,
                (unsigned long long)st->bad, (unsigned long long)st->present,
                st->bad == 1 ? "is" : "are", example, (unsigned long long)line, in, form);
    else if (st->bad == st->present)
      check_add(r, &r->rules, CHK_ERROR, sl->line, "%s:%u: column '%s' is read as %s, but "
                "none of its %llu values checked is %s (e.g. \"%s\" at line %llu of %s%s)"
                "%s: %s; fix the column, or read it with text \"%s\"", g->rules_path, sl->line,
                sl->column, what, (unsigned long long)st->present, what, example,
                (unsigned long long)line, in, shape, blanks, form, sl->column);
    else
      check_add(r, &r->rules, CHK_WARNING, sl->line, "%s:%u: column '%s' is read as %s, but "
                "%llu of its %llu values checked %s not (e.g. \"%s\" at line %llu of %s%s)"
                "%s: rules see such values as missing%s%s", g->rules_path, sl->line, sl->column,
                what, (unsigned long long)st->bad, (unsigned long long)st->present,
                st->bad == 1 ? "is" : "are", example, (unsigned long long)line, in, shape,
                blanks, "; ", form);
  }
  buf_free(&ex);
  /* the limits cleave run applies, on the sample (a column none of whose
  ** values is readable is an error above already) */
  slot_tally *t = cl_calloc(tally_entries(g) ? tally_entries(g) : 1, sizeof *t);
  for (uint32_t s = 0; s < g->nslots; s++)
    if (sp->slots[s].t.bad < sp->slots[s].t.present) t[s] = sp->slots[s].t;
  for (uint32_t k = 0; sp->calls && k < g->nsites; k++)
    if (sp->ec.tally[g->nslots + k].bad < sp->ec.tally[g->nslots + k].present)
      t[g->nslots + k] = sp->ec.tally[g->nslots + k];
  invalid_check ic = {g, t, in, (const char *const *)sp->b->header, &cfg->max_invalid,
                      &cfg->max_invalid_column, cfg->decimal};
  cl_error e = {0, ""};
  if (invalid_limits(&ic, &e))
    check_add(r, &r->rules, CHK_ERROR, 0, "in the rows checked, %s: cleave run would stop with exit "
              "code %d", e.msg, e.code);
  free(t);
  for (size_t c = 0; c < sp->b->ncols; c++)
    if (sp->bad_utf8[c])
      check_add(r, &r->rules, CHK_WARNING, 0, MSG_INVALID_UTF8, in,
                (unsigned long long)sp->bad_utf8_line[c], (unsigned long long)sp->bad_utf8[c],
                sp->bad_utf8[c] == 1 ? "" : "s", sp->b->header[c],
                sp->bad_utf8[c] == 1 ? "is" : "are");
  if (sp->rejected)
    check_add(r, &r->rules, CHK_WARNING, 0, "%s:%llu: %llu of the %llu rows checked would "
              "be rejected by cleave run (%s%s); rejected rows are not checked or counted",
              in, (unsigned long long)sp->rej_line, (unsigned long long)sp->rejected,
              (unsigned long long)sp->rows, sp->rejected > 1 ? "the first: " : "",
              sp->rej_reason);
}

/* "62 (6.2%)"; width: digits the count is padded to. */
static void share(buf *out, uint64_t n, uint64_t of, int width) {
  buf_printf(out, "%*llu (%.1f%%)", width, (unsigned long long)n,
             of ? 100.0 * (double)n / (double)of : 0.0);
}

/* The first case giving value v, or 0 when only otherwise gives it. */
static uint32_t value_line(const macro *mc, uint32_t v) {
  for (uint32_t c = 0; c < mc->ncases; c++)
    if (mc->cases[c].value == v) return mc->cases[c].line;
  return 0;
}

static void size_report(const sampler *sp, check_report *r) {
  const graph *g = sp->g;
  const seg_shape *sh = &sp->b->shape;
  uint64_t n = sp->s_evaluated;
  buf *out = &r->sizes;
  r->sampled = 1;
  buf_printf(out, "sample: %llu row%s", (unsigned long long)sp->s_rows,
             sp->s_rows == 1 ? "" : "s");
  if (sp->s_rows < sp->sized) buf_puts(out, " (the whole input)");
  if (sp->s_rejected) buf_printf(out, ", %llu evaluated", (unsigned long long)n);
  buf_putc(out, '\n');
  if (!n) {
    check_add(r, &r->sample, CHK_WARNING, 0, "%s: no rows to evaluate in the sample",
              sp->b->in.name);
    return;
  }
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const macro *mc = &g->macros[m];
    buf_printf(out, "  macro %s:", mc->name);
    for (uint32_t v = 0; v < mc->nvalues; v++) {
      uint64_t c = sp->value_counts[sh->value_base[m] + v];
      buf_printf(out, "%s %s ", v ? "," : "", mc->values[v]);
      share(out, c, n, 0);
      if (c == 0 && !(mc->may_be_empty >> v & 1)) {
        uint32_t line = value_line(mc, v);
        check_add(r, &r->sample, CHK_WARNING, line ? line : mc->line, "%s:%u: macro split '%s': "
                  "no row of the sample gets the %svalue '%s'; if that is expected, say so with "
                  "may_be_empty = { \"%s\" }", g->rules_path, line ? line : mc->line, mc->name,
                  line ? "" : "otherwise ", mc->values[v], mc->values[v]);
      }
    }
    buf_putc(out, '\n');
  }
  int width = 0, digits = snprintf(NULL, 0, "%llu", (unsigned long long)n);
  for (uint32_t k = 0; k < g->nmicros; k++)
    if ((int)strlen(g->micros[k].name) > width) width = (int)strlen(g->micros[k].name);
  for (uint32_t k = 0; k < g->nmicros; k++) {
    const micro *mi = &g->micros[k];
    uint64_t c = sp->micro_counts[k];
    buf_printf(out, "  micro %-*s ", width, mi->name);
    share(out, c, n, digits);
    buf_putc(out, '\n');
    if (c == 0 && !mi->may_be_empty)
      check_add(r, &r->sample, CHK_WARNING, mi->line, "%s:%u: micro segment '%s' is empty in "
                "the sample (0 of %llu rows); if that is expected, say so with may_be_empty = true", g->rules_path, mi->line, mi->name,
                (unsigned long long)n);
    else if (c == n)
      check_add(r, &r->sample, CHK_WARNING, mi->line, "%s:%u: micro segment '%s' holds every "
                "row of the sample (%llu of %llu): its conditions may not narrow anything down",
                g->rules_path, mi->line, mi->name, (unsigned long long)c, (unsigned long long)n);
  }
}

int check_sample(session *s, bound_input *b, uint64_t *nrows, uint64_t sized, check_report *r,
                 cl_error *err) {
  int sizes = sized > 0;
  const graph *g = &s->g;
  sampler sp;
  memset(&sp, 0, sizeof sp);
  sp.g = g;
  sp.b = b;
  sp.want = *nrows;
  sp.sizes = sizes;
  sp.sized = sized;
  sp.slots = cl_calloc(g->nslots ? g->nslots : 1, sizeof *sp.slots);
  sp.bad_utf8 = cl_calloc(b->ncols ? b->ncols : 1, sizeof *sp.bad_utf8);
  sp.bad_utf8_line = cl_calloc(b->ncols ? b->ncols : 1, sizeof *sp.bad_utf8_line);
  void **ts = NULL;
  int rc = 0;
  sp.calls = g->nsites > 0;
  if (sizes || sp.calls) {
    if (plugins_thread_init(&s->plugins, &ts, err)) {
      free(sp.slots);
      free(sp.bad_utf8);
      free(sp.bad_utf8_line);
      return err->code;
    }
    eval_ctx_init(&sp.ec, g, ts);
    sp.site_line = cl_calloc(g->nsites ? g->nsites : 1, sizeof *sp.site_line);
  }
  if (sizes) {
    sp.value_counts = cl_calloc(b->shape.nvalues ? b->shape.nvalues : 1, sizeof *sp.value_counts);
    sp.micro_counts = cl_calloc(g->nmicros ? g->nmicros : 1, sizeof *sp.micro_counts);
  }
  rc = read_rows(s, b, &sp, err);
  *nrows = sp.rows;
  r->values_cut = sp.done;
  if (!rc) {
    value_findings(&sp, &s->cfg, r);
    if (sizes) size_report(&sp, r);
  }
  if (sizes || sp.calls) {
    eval_ctx_free(&sp.ec);
    plugins_thread_fini(&s->plugins, ts);
    free(sp.site_line);
  }
  free(sp.value_counts);
  free(sp.micro_counts);
  free(sp.slots);
  free(sp.bad_utf8);
  free(sp.bad_utf8_line);
  return rc;
}
