/* SPDX-License-Identifier: MIT */
/*
** csv_scan.c -- line-at-a-time libcsv driver (see csv_scan.h).
*/
#include <stdlib.h>
#include <string.h>

#include "csv_scan.h"
#include "messages.h"
#include "error.h"

#define PARSER_OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
#define ROW_NOT_BEGUN 0 /* libcsv's pstate for "between rows" */

/* RFC 4180: spaces are part of a field. libcsv trims spaces and tabs around
** unquoted fields unless told that nothing is a space. */
int csv_no_space(unsigned char c) {
  (void)c;
  return 0;
}

static int parser_init(csv_scan *s) {
  if (csv_init(&s->p, PARSER_OPTS) != 0) return -1;
  csv_set_space_func(&s->p, csv_no_space);
  csv_set_delim(&s->p, s->delim);
  csv_set_quote(&s->p, s->quote);
  csv_set_blk_size(&s->p, 4096);
  return 0;
}

int csv_scan_init(csv_scan *s, unsigned char delim, size_t ncols, const uint8_t *keep,
                  csv_row_fn on_row, csv_bad_fn on_bad, void *ud) {
  memset(s, 0, sizeof *s);
  s->delim = delim;
  s->quote = '"';
  s->ncols = ncols;
  s->keep = keep;
  s->cols = cl_calloc(ncols ? ncols : 1, sizeof *s->cols);
  s->off = s->own_off = cl_calloc(ncols ? ncols : 1, sizeof *s->off);
  s->lens = s->own_lens = cl_calloc(ncols ? ncols : 1, sizeof *s->lens);
  s->on_row = on_row;
  s->on_bad = on_bad;
  s->ud = ud;
  s->kept = cl_calloc(ncols ? ncols : 1, sizeof *s->kept);
  for (size_t i = 0; keep && i < ncols; i++)
    if (keep[i]) s->kept[s->nkept++] = i;
  return parser_init(s);
}

void csv_scan_reset(csv_scan *s) {
  csv_free(&s->p);
  parser_init(s);
  s->nfields = 0;
  s->fast_failed = 0;
  if (!s->keep_arena) s->arena.len = 0;
  s->row_start = NULL;
}

void csv_scan_clear_arena(csv_scan *s) { s->arena.len = 0; }

void csv_scan_set_quote(csv_scan *s, unsigned char quote) {
  s->quote = quote;
  csv_set_quote(&s->p, quote);
}

void csv_scan_set_decimal_comma(csv_scan *s, const uint8_t *numcols) { s->numcols = numcols; }

static int is_digit(char c) { return (unsigned)((unsigned char)c - '0') <= 9u; }

size_t csv_decimal_comma(char *f, size_t len) {
  size_t i = 0, end = len;
  while (i < end && (f[i] == ' ' || f[i] == '\t')) i++;
  while (end > i && (f[end - 1] == ' ' || f[end - 1] == '\t')) end--;
  size_t j = i;
  if (j < end && (f[j] == '-' || f[j] == '+')) j++;
  size_t int_digits = 0, group = 0;
  int dots = 0, ok = 1;
  for (; j < end && (is_digit(f[j]) || f[j] == '.'); j++) {
    if (f[j] != '.') {
      int_digits++;
      group++;
      continue;
    }
    /* a thousands separator: after 1 to 3 digits first, exactly 3 later */
    if (dots ? group != 3 : group < 1 || group > 3) ok = 0;
    dots++;
    group = 0;
  }
  if (dots && group != 3) ok = 0;
  size_t frac = 0;
  if (ok && j < end && f[j] == ',') {
    for (j++; j < end && is_digit(f[j]); j++) frac++;
    if (!frac) ok = 0;
  }
  if (ok && !int_digits && !frac) ok = 0;
  if (ok && j < end && (f[j] == 'e' || f[j] == 'E')) {
    size_t e = 0;
    j++;
    if (j < end && (f[j] == '-' || f[j] == '+')) j++;
    for (; j < end && is_digit(f[j]); j++) e++;
    if (!e) ok = 0;
  }
  if (!ok || j != end) { /* not a number: make sure num_parse does not read one */
    for (size_t k = 0; k < len; k++)
      if (f[k] == '.') f[k] = ',';
    return len;
  }
  size_t w = 0;
  for (size_t k = 0; k < len; k++) {
    if (k >= i && k < end && f[k] == '.') continue; /* thousands */
    f[w++] = k >= i && k < end && f[k] == ',' ? '.' : f[k];
  }
  return w;
}

void csv_scan_free(csv_scan *s) {
  csv_free(&s->p);
  free(s->cols);
  free(s->own_off);
  free(s->own_lens);
  free(s->kept);
  buf_free(&s->arena);
}

/* The rare paths of on_field, kept out of line so the common one stays
** short (it runs for every field of the input). */
static __attribute__((noinline, cold)) void grow_columns(csv_scan *s, size_t i) {
  s->ncols = i + 1; /* header mode: as many columns as the row has */
  s->cols = cl_realloc(s->cols, s->ncols * sizeof *s->cols);
  /* no keep mask, so no row slots (csv_scan_row_slots): off is own_off */
  s->off = s->own_off = cl_realloc(s->own_off, s->ncols * sizeof *s->off);
  s->lens = s->own_lens = cl_realloc(s->own_lens, s->ncols * sizeof *s->lens);
}

static __attribute__((noinline, cold)) void copy_long(csv_scan *s, const void *field, size_t len) {
  buf *a = &s->arena;
  if (a->cap - a->len < len + 16) buf_grow(a, len + 16);
  memcpy(a->p + a->len, field, len);
  a->len += len;
}

/* decimal = comma: rewrite the field just copied to the arena at off. */
static __attribute__((noinline, cold)) size_t comma_field(csv_scan *s, size_t off, size_t len) {
  return csv_decimal_comma(s->arena.p + off, len);
}

static void on_field(void *field, size_t len, void *ud) {
  csv_scan *s = ud;
  size_t i = s->nfields++;
  if (__builtin_expect(i >= s->ncols, 0)) {
    if (s->keep) return; /* a field past the header's width: counted only */
    grow_columns(s, i);
  }
  if (s->keep && !s->keep[i]) return;
  buf *a = &s->arena;
  s->off[i] = a->len;
  s->cols[i].len = len;
  s->lens[i] = (uint32_t)len;
  if (len <= 16 && s->p.entry_size >= 16 && a->cap - a->len >= 16) {
    memcpy(a->p + a->len, field, 16); /* libcsv's buffer holds 16 bytes: one fixed move */
    a->len += len;
  } else {
    copy_long(s, field, len);
  }
  if (__builtin_expect(s->numcols != NULL, 0) && s->numcols[i] && len) {
    size_t n = comma_field(s, s->off[i], len);
    a->len -= len - n;
    s->cols[i].len = n;
    s->lens[i] = (uint32_t)n;
  }
}

/* The row ends inside the current line; its raw bytes stop before CR/LF. */
static void fill_row(csv_scan *s, csv_row *r) {
  if (s->fast) {
    memset(r, 0, sizeof *r);
    r->cols = s->cols;
    r->nfields = s->nfields;
    r->base = s->arena.p;
    return;
  }
  const char *end = s->line_end;
  while (end > s->row_start && (end[-1] == '\n' || end[-1] == '\r')) end--;
  r->cols = s->cols;
  r->nfields = s->nfields;
  r->line = s->row_line;
  r->last_line = s->line;
  r->raw = s->row_start;
  r->raw_len = (size_t)(end - s->row_start);
  r->base = s->arena.p;
}

void csv_scan_end_row(csv_scan *s) {
  if (s->nfields == 0) return; /* blank line, or the LF of a CRLF */
  if (s->fast_failed) { /* the exact path will redo this buffer */
    s->nfields = 0;
    return;
  }
  size_t n = s->nfields < s->ncols ? s->nfields : s->ncols;
  if (s->lazy_ptrs) {
    /* the caller reads the arena offsets (csv_scan_row_slots) */
  } else if (s->keep) {
    for (size_t k = 0; k < s->nkept; k++)
      if (s->kept[k] < n) s->cols[s->kept[k]].ptr = s->arena.p + s->off[s->kept[k]];
  } else {
    for (size_t i = 0; i < n; i++) s->cols[i].ptr = s->arena.p + s->off[i];
  }
  /* a short row: the columns it lacks are empty (a full row sets them all) */
  for (size_t i = n; i < s->ncols; i++) s->cols[i].len = 0;
  csv_row r;
  fill_row(s, &r);
  s->on_row(s->ud, &r);
  s->nfields = 0;
  if (!s->keep_arena) s->arena.len = 0;
  s->row_start = NULL;
}

static void on_row_end(int term, void *ud) {
  (void)term;
  csv_scan_end_row(ud);
}

static void reject_open_row(csv_scan *s, const char *reason) {
  csv_row r;
  if (!s->row_start) s->row_start = s->line_end; /* nothing of it seen */
  fill_row(s, &r);
  s->on_bad(s->ud, &r, reason);
  csv_scan_reset(s);
}

/* libcsv stopped at bad, in the current line: say what is wrong there. */
static const char *quote_error(const char *bad, const char *line_start, char delim) {
  if (*bad != '"')
    return "text after a closing quote (a quote inside a quoted field must be doubled: \"\")";
  if (bad > line_start && bad[-1] != delim)
    return "a quote inside an unquoted field (quote the whole field and double the quote)";
  return "malformed quoting";
}

/* The end of the line starting at p: after its LF, or after a CR that no
** LF follows (old Mac files; libcsv ends rows there too). */
static const char *line_end(const char *p, const char *end, int has_cr, int *counts) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *le = nl ? nl + 1 : end;
  *counts = nl != NULL;
  if (!has_cr) return le;
  for (const char *cr = memchr(p, '\r', (size_t)(le - p)); cr;
       cr = memchr(cr + 1, '\r', (size_t)(le - cr - 1))) {
    if (cr + 1 < end && cr[1] == '\n') continue; /* CRLF */
    *counts = 1;
    return cr + 1;
  }
  return le;
}

typedef unsigned char bytes16 __attribute__((vector_size(16)));

uint64_t csv_count_lines(const char *data, size_t len) {
  /* 16 bytes at a time: per-byte counters of LF matches, summed every 255
  ** rounds before they can overflow */
  const bytes16 lf = {'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
                      '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n'};
  uint64_t n = 0;
  size_t i = 0;
  while (i + 16 <= len) {
    bytes16 acc = {0};
    for (int round = 0; round < 255 && i + 16 <= len; round++, i += 16) {
      bytes16 x;
      memcpy(&x, data + i, 16);
      acc -= (bytes16)(x == lf); /* a match is -1: subtracting adds one */
    }
    for (int k = 0; k < 16; k++) n += acc[k];
  }
  for (; i < len; i++) n += data[i] == '\n';
  /* a CR that no LF follows ends a line too (as csv_scan_feed counts) */
  for (const char *p = data, *end = data + len; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
    n += p + 1 == end || p[1] != '\n';
  return n;
}

int csv_scan_feed_fast(csv_scan *s, const char *data, size_t len, int final, int *clean) {
  s->fast = 1;
  s->fast_failed = 0;
  s->line = 0;
  size_t n = csv_parse(&s->p, data, len, on_field, on_row_end, s);
  if (n < len) s->fast_failed = 1;
  if (!s->fast_failed && final && csv_fini(&s->p, on_field, on_row_end, s) != 0) s->fast_failed = 1;
  s->fast = 0;
  *clean = s->p.pstate == ROW_NOT_BEGUN && s->nfields == 0;
  return !s->fast_failed;
}

size_t csv_scan_feed(csv_scan *s, const char *data, size_t len, int final, int *clean) {
  const char *p = data, *end = data + len;
  int has_cr = memchr(data, '\r', len) != NULL;
  s->line = 0;
  s->stop = 0;
  while (p < end && !s->stop) {
    int counts;
    const char *le = line_end(p, end, has_cr, &counts);
    if (s->p.pstate == ROW_NOT_BEGUN && s->nfields == 0) {
      s->row_start = p;
      s->row_line = s->line;
    }
    s->line_end = le;
    size_t n = csv_parse(&s->p, p, (size_t)(le - p), on_field, on_row_end, s);
    if (n < (size_t)(le - p)) {
      if (csv_error(&s->p) == CSV_EPARSE) {
        char reason[200];
        snprintf(reason, sizeof reason, "%s, at byte %zu of the line",
                 quote_error(p + n, p, (char)s->delim), n + 1);
        reject_open_row(s, reason);
      } else {
        reject_open_row(s, MSG_ROW_TOO_LARGE);
      }
    }
    p = le;
    if (counts) s->line++;
  }
  if (s->stop) {
    *clean = 1;
    return (size_t)(p - data);
  }
  if (final) {
    s->line_end = end;
    if (csv_fini(&s->p, on_field, on_row_end, s) != 0) {
      if (s->line > 0 && end > data && (end[-1] == '\n' || end[-1] == '\r')) s->line--;
      reject_open_row(s, "a quoted field is never closed before the end of the input");
    }
  }
  *clean = s->p.pstate == ROW_NOT_BEGUN && s->nfields == 0;
  return len;
}
