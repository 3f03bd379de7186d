/* SPDX-License-Identifier: MIT */
/*
** invalid.c -- unreadable values: per-column sums and the max_invalid limits.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_sites.h"
#include "invalid.h"
#include "utf8.h"
#include "buf.h"

void tally_add(slot_tally *dst, const slot_tally *src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (!dst[i].bad && src[i].bad) {
      memcpy(dst[i].ex, src[i].ex, src[i].ex_len);
      dst[i].ex_len = src[i].ex_len;
      dst[i].ex_cut = src[i].ex_cut;
    }
    dst[i].present += src[i].present;
    dst[i].bad += src[i].bad;
  }
}

uint64_t *tally_by_column(const graph *g, const slot_tally *t, size_t ncols) {
  uint64_t *by = NULL;
  for (uint32_t e = 0; t && e < tally_entries(g); e++) {
    uint32_t s = e < g->nslots ? e : g->sites[e - g->nslots].slot;
    if (!t[e].bad || s == GRAPH_NONE || g->slots[s].col < 0 || (size_t)g->slots[s].col >= ncols)
      continue;
    if (!by) by = cl_calloc(ncols ? ncols : 1, sizeof *by);
    by[g->slots[s].col] += t[e].bad;
  }
  return by;
}

void tally_example(buf *b, const slot_tally *t) {
  size_t n = t->ex_len;
  if (t->ex_cut) /* whole characters only */
    while (n > 0 && ((unsigned char)t->ex[n - 1] & 0xC0) == 0x80) n--;
  if (t->ex_cut && n > 0 && ((unsigned char)t->ex[n - 1] & 0xC0) == 0xC0) n--;
  char tmp[INVALID_EXAMPLE_MAX];
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t->ex[i];
    tmp[i] = c < 0x20 || c == 0x7f || c == '"' ? '?' : (char)c;
  }
  utf8_sanitize_into(b, tmp, n);
  if (t->ex_cut) buf_puts(b, "...");
}

void invalid_quote(buf *b, const char *p, size_t len) {
  slot_tally t;
  memset(&t, 0, sizeof t);
  tally_bad(&t, p, len);
  buf_putc(b, '"');
  tally_example(b, &t);
  buf_putc(b, '"');
}

/* "1.234,50" in a number column read with a decimal point */
static int looks_decimal_comma(const char *p, size_t n) {
  int digits = 0, comma = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] >= '0' && p[i] <= '9') digits++;
    else if (p[i] == ',') comma++;
    else if (p[i] != '.' && p[i] != '-' && p[i] != '+' && p[i] != ' ') return 0;
  }
  return digits && comma == 1;
}

/* Entry e >= nslots: call site e - nslots. */
static void describe_site(const invalid_check *c, uint32_t e, buf *b) {
  const graph *g = c->g;
  const call_site *cs = &g->sites[e - g->nslots];
  const slot_tally *t = &c->tally[e];
  buf_printf(b, "%s:%u: ", g->rules_path, g->nodes[cs->node].line);
  buf nm = {0};
  call_site_name(g, e - g->nslots, &nm);
  utf8_sanitize_into(b, nm.p ? nm.p : "", nm.len);
  buf_free(&nm);
  if (cs->slot != GRAPH_NONE && g->slots[cs->slot].col >= 0) {
    const char *col = c->header[g->slots[cs->slot].col];
    buf_puts(b, " on column '");
    utf8_sanitize_into(b, col, strlen(col));
    buf_putc(b, '\'');
  }
  buf_printf(b, ": %llu of %llu present values (%.1f%%) give no result (the first: \"",
             (unsigned long long)t->bad, (unsigned long long)t->present,
             100.0 * (double)t->bad / (double)(t->present ? t->present : 1));
  tally_example(b, t);
  buf_puts(b, "\")");
}

static void describe(const invalid_check *c, uint32_t s, buf *b) {
  if (s >= c->g->nslots) {
    describe_site(c, s, b);
    return;
  }
  const slot *sl = &c->g->slots[s];
  const slot_tally *t = &c->tally[s];
  buf_printf(b, "column '");
  utf8_sanitize_into(b, c->header[sl->col], strlen(c->header[sl->col]));
  buf_printf(b, "': %llu of %llu values (%.1f%%) are not %s (the first: \"",
             (unsigned long long)t->bad, (unsigned long long)t->present,
             100.0 * (double)t->bad / (double)(t->present ? t->present : 1),
             sl->type == VT_DATE ? "dates (YYYY-MM-DD)" : "numbers");
  tally_example(b, t);
  buf_puts(b, "\")");
}

static void hint(const invalid_check *c, uint32_t s, buf *b) {
  const slot_tally *t = &c->tally[s];
  if (s < c->g->nslots && c->g->slots[s].type == VT_NUMBER && c->decimal == '.' && looks_decimal_comma(t->ex, t->ex_len))
    buf_puts(b, "; the values look like decimal commas: set decimal = comma in [input] "
                "(or --decimal comma)");
}

int invalid_limits(const invalid_check *c, cl_error *err) {
  const graph *g = c->g;
  uint64_t bad = 0, present = 0, site_present = 0;
  uint32_t worst = GRAPH_NONE; /* the slot over max_invalid_column with the largest share */
  double worst_share = -1;
  for (uint32_t s = 0; s < tally_entries(g); s++) {
    const slot_tally *t = &c->tally[s];
    if (s < g->nslots && g->slots[s].type != VT_NUMBER && g->slots[s].type != VT_DATE) continue;
    bad += t->bad;
    present += t->present;
    if (s >= g->nslots) site_present += t->present;
    double share = t->present ? (double)t->bad / (double)t->present : 0;
    if (limit_exceeded(c->column, t->bad, t->present) && share > worst_share)
      worst = s, worst_share = share;
  }
  char lim[32];
  buf b = {0};
  int rc = 0;
  if (worst != GRAPH_NONE) {
    limit_format(c->column, lim, sizeof lim);
    buf_printf(&b, "%s: ", c->input);
    describe(c, worst, &b);
    buf_printf(&b, ", more than max_invalid_column = %s", lim);
    hint(c, worst, &b);
    rc = cl_fail(err, CL_EXIT_INVALID, "%s", buf_cstr(&b));
  } else if (limit_exceeded(c->total, bad, present)) {
    limit_format(c->total, lim, sizeof lim);
    uint32_t most = GRAPH_NONE;
    for (uint32_t s = 0; s < tally_entries(g); s++)
      if (c->tally[s].bad && (most == GRAPH_NONE || c->tally[s].bad > c->tally[most].bad)) most = s;
    buf_printf(&b, "%s: %llu of %llu %s (%.1f%%) are unreadable, more than "
               "max_invalid = %s; the most in ", c->input,
               (unsigned long long)bad, (unsigned long long)present,
               site_present ? "number and date values and plugin call arguments"
                            : "number and date values",
               100.0 * (double)bad / (double)(present ? present : 1), lim);
    describe(c, most, &b);
    hint(c, most, &b);
    rc = cl_fail(err, CL_EXIT_INVALID, "%s", buf_cstr(&b));
  }
  buf_free(&b);
  return rc;
}
