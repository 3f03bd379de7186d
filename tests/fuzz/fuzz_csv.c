/* SPDX-License-Identifier: MIT */
/*
** fuzz_csv.c -- the CSV scanner (engine/csv_scan.c) and the input reader
** (engine/input.c), fed the same bytes in different ways that must agree.
**
** Input: 4 bytes of settings, then the CSV text.
**   byte 0: bits 0-1 the delimiter (, ; tab |); bit 2 read through input.c
**           (header + row-aligned chunks from a memfd) instead of splitting
**           the buffer here; bit 3 chunks go fast path first, as the
**           segmenter does
**   byte 1: ncols 0..8 (0: header mode, as many columns as a row has)
**   byte 2: bit i keeps column i; bit 7 set keeps every column (keep = NULL)
**   byte 3: seeds the chunk sizes and split points
**
** Checks, on one whole-buffer exact feed (the reference):
**   * rows come in order: each row's first line is after the last line of
**     the row before; first <= last <= the number of line ends;
**   * every line holding anything but CR/LF belongs to some row (delivered
**     or rejected): nothing is dropped silently;
**   * a row's raw bytes lie in the buffer, start at the start of its first
**     line and, for a delivered row, end at its last line's end minus CR/LF;
**   * columns past the row's fields and columns not kept are empty;
** and then that
**   * the fast path (csv_scan_feed_fast) accepts exactly when the exact path
**     rejects nothing, and then gives the same rows (fields, values);
**   * the buffer cut into chunks at line ends (merging a chunk with the next
**     when it did not end at a row boundary, as the pipeline does) gives the
**     same rows, lines, raw bytes and reasons as the whole buffer;
**   * through input.c: the header is the reference's first row, the chunks
**     put together are the rest of the input, and their rows are the
**     reference's other rows, with the same line numbers;
**   * gzip or zstd input (by its magic bytes, engine/decomp.c) is read to
**     the end or to an error with a message, whatever the bytes.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "csv_scan.h"
#include "decomp.h"
#include "error.h"
#include "input.h"

#include "fuzz.h"

/* --- recording rows ------------------------------------------------------------ */

typedef struct lines {
  size_t *start; /* start[L]: offset of line L; start[n + 1] = len */
  uint64_t n;    /* line ends (csv_count_lines) */
} lines;

typedef struct rec {
  buf full;             /* every row: kind, lines, raw bytes, fields, reason */
  buf content;          /* every row: kind and fields only (the fast path's view) */
  size_t first_full;    /* full.len after the first row (the header, through input.c) */
  size_t first_content;
  int first_bom;        /* the first row's first field starts with a byte order mark */
  size_t nrows, nbad;
  uint64_t line_off;    /* added to every row's lines */
  size_t ncols;         /* as given to csv_scan_init (0: header mode) */
  const uint8_t *keep;
  int fast;             /* rows have no lines or raw bytes */
  /* checks on the reference run only (data != NULL) */
  const char *data;
  size_t len;
  const lines *ln;
  int have_prev;
  uint64_t prev_last;
  unsigned char *covered; /* per line */
} rec;

static void put_u64(buf *b, uint64_t v) { buf_printf(b, "%llu ", (unsigned long long)v); }

static void put_bytes(buf *b, const char *p, size_t n) {
  put_u64(b, n);
  if (n) buf_put(b, p, n);
  buf_putc(b, ' ');
}

static int is_nl(char c) { return c == '\n' || c == '\r'; }

static void check_position(rec *r, const csv_row *row, int bad) {
  const lines *ln = r->ln;
  FUZZ_CHECK(row->line <= row->last_line, "row lines %llu..%llu",
             (unsigned long long)row->line, (unsigned long long)row->last_line);
  FUZZ_CHECK(row->last_line <= ln->n, "row ends on line %llu of a buffer with %llu line ends",
             (unsigned long long)row->last_line, (unsigned long long)ln->n);
  if (r->have_prev)
    FUZZ_CHECK(row->line > r->prev_last, "row starts on line %llu, the one before ended on %llu",
               (unsigned long long)row->line, (unsigned long long)r->prev_last);
  r->have_prev = 1;
  r->prev_last = row->last_line;
  for (uint64_t l = row->line; l <= row->last_line; l++) r->covered[l] = 1;
  FUZZ_CHECK(row->raw != NULL, "a row without raw bytes from csv_scan_feed");
  FUZZ_CHECK(row->raw >= r->data && row->raw_len <= r->len &&
                 (size_t)(row->raw - r->data) <= r->len - row->raw_len,
             "raw bytes outside the buffer (offset %td, %zu bytes, buffer %zu)",
             row->raw - r->data, row->raw_len, r->len);
  size_t off = (size_t)(row->raw - r->data);
  FUZZ_CHECK(off == ln->start[row->line], "raw starts at byte %zu, line %llu starts at %zu", off,
             (unsigned long long)row->line, ln->start[row->line]);
  if (!bad) {
    size_t end = ln->start[row->last_line + 1];
    while (end > off && is_nl(r->data[end - 1])) end--;
    FUZZ_CHECK(off + row->raw_len == end, "raw ends at byte %zu, its last line's text at %zu",
               off + row->raw_len, end);
  }
}

static void on_row(void *ud, const csv_row *row) {
  rec *r = ud;
  if (r->data) check_position(r, row, 0);
  FUZZ_CHECK(row->nfields >= 1, "a delivered row with no fields");
  /* header mode: the scanner grew to at least this row's width */
  size_t ncols = r->ncols ? r->ncols : row->nfields;
  buf_puts(&r->full, "G ");
  buf_puts(&r->content, "G ");
  if (!r->fast) {
    put_u64(&r->full, row->line + r->line_off);
    put_u64(&r->full, row->last_line + r->line_off);
    put_bytes(&r->full, row->raw, row->raw_len);
  }
  put_u64(&r->full, row->nfields);
  put_u64(&r->content, row->nfields);
  for (size_t i = 0; i < ncols; i++) {
    const cleave_str *c = &row->cols[i];
    if (i >= row->nfields || (r->keep && !r->keep[i]))
      FUZZ_CHECK(c->len == 0, "column %zu (of %zu fields, kept: %d) has %zu bytes", i,
                 row->nfields, r->keep ? r->keep[i] : 1, c->len);
    FUZZ_CHECK(c->len == 0 || c->ptr != NULL, "column %zu: %zu bytes at NULL", i, c->len);
    put_bytes(&r->full, c->ptr, c->len);
    put_bytes(&r->content, c->ptr, c->len);
  }
  buf_putc(&r->full, '\n');
  buf_putc(&r->content, '\n');
  if (r->nrows++ == 0) {
    r->first_full = r->full.len;
    r->first_content = r->content.len;
    r->first_bom = row->cols[0].len >= 3 && memcmp(row->cols[0].ptr, "\xEF\xBB\xBF", 3) == 0;
  }
}

static void on_bad(void *ud, const csv_row *row, const char *reason) {
  rec *r = ud;
  FUZZ_CHECK(!r->fast, "the fast path reported a bad row");
  if (r->data) check_position(r, row, 1);
  FUZZ_CHECK(reason && *reason, "a bad row without a reason");
  buf_puts(&r->full, "B ");
  put_u64(&r->full, row->line + r->line_off);
  put_u64(&r->full, row->last_line + r->line_off);
  put_bytes(&r->full, row->raw, row->raw_len);
  buf_puts(&r->full, reason);
  buf_putc(&r->full, '\n');
  buf_puts(&r->content, "B\n");
  r->nbad++;
  if (r->nrows++ == 0) {
    r->first_full = r->full.len;
    r->first_content = r->content.len;
  }
}

static void rec_init(rec *r, size_t ncols, const uint8_t *keep) {
  memset(r, 0, sizeof *r);
  r->ncols = ncols;
  r->keep = keep;
}

static void rec_free(rec *r) {
  buf_free(&r->full);
  buf_free(&r->content);
  free(r->covered);
}

/* Append the rows of src to dst (chunk results, in order). */
static void rec_append(rec *dst, const rec *src) {
  if (src->full.len) buf_put(&dst->full, src->full.p, src->full.len);
  if (src->content.len) buf_put(&dst->content, src->content.p, src->content.len);
  dst->nrows += src->nrows;
  dst->nbad += src->nbad;
}

static void same(const buf *want, size_t want_from, const buf *got, const char *what) {
  const char *w = want->len > want_from ? want->p + want_from : "";
  size_t wl = want->len > want_from ? want->len - want_from : 0;
  const char *g = got->len ? got->p : "";
  if (wl == got->len && memcmp(w, g, wl) == 0) return;
  fprintf(stderr, "--- whole buffer, exact path:\n%.*s--- %s:\n%.*s---\n", (int)wl, w, what,
          (int)got->len, g);
  FUZZ_CHECK(0, "%s: rows differ from the whole buffer's", what);
}

/* --- lines, as csv_scan counts them ------------------------------------------------ */

static void lines_make(lines *ln, const char *p, size_t len) {
  ln->n = csv_count_lines(p, len);
  ln->start = cl_malloc((ln->n + 2) * sizeof *ln->start);
  uint64_t k = 0;
  ln->start[k++] = 0;
  for (size_t i = 0; i < len; i++)
    if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n'))) {
      FUZZ_CHECK(k <= ln->n, "csv_count_lines says %llu line ends, there are more",
                 (unsigned long long)ln->n);
      ln->start[k++] = i + 1;
    }
  FUZZ_CHECK(k == ln->n + 1, "csv_count_lines says %llu line ends, there are %llu",
             (unsigned long long)ln->n, (unsigned long long)(k - 1));
  ln->start[k] = len;
}

/* --- one scan ------------------------------------------------------------------- */

typedef struct setup {
  unsigned char delim;
  size_t ncols;
  const uint8_t *keep;
} setup;

/* A copy of exactly len bytes, so that the sanitizers see reads past the end. */
static char *exact_copy(const char *p, size_t len) {
  char *c = cl_malloc(len ? len : 1);
  if (len) memcpy(c, p, len);
  return c;
}

/* Feed p[0..len) in one csv_scan_feed (or _fast) call of a new scanner;
** rows go to r. Returns clean; *ok = what feed_fast returned. */
static int scan_once(const setup *st, rec *r, const char *p, size_t len, int final, int fast,
                     int *ok) {
  int clean = 0;
  char *copy = exact_copy(p, len);
  csv_scan s;
  FUZZ_CHECK(csv_scan_init(&s, st->delim, st->ncols, st->keep, on_row, on_bad, r) == 0,
             "csv_scan_init failed");
  if (fast) {
    r->fast = 1;
    *ok = csv_scan_feed_fast(&s, copy, len, final, &clean);
    r->fast = 0;
  } else {
    size_t used = csv_scan_feed(&s, copy, len, final, &clean);
    FUZZ_CHECK(used == len, "csv_scan_feed consumed %zu of %zu bytes", used, len);
  }
  csv_scan_free(&s);
  free(copy);
  return clean;
}

/* A chunk as the segmenter does it: optionally the fast path first, else (or
** when it fails) the exact path. Rows go to out (its line_off applies). */
static int chunk_rows(const setup *st, rec *out, const char *p, size_t len, int final,
                      int fast_first) {
  int clean, ok = 0;
  if (fast_first) {
    rec f;
    rec_init(&f, st->ncols, st->keep);
    clean = scan_once(st, &f, p, len, final, 1, &ok);
    if (ok) {
      /* the fast path's rows carry no lines: keep only the content view */
      if (f.content.len) buf_put(&out->content, f.content.p, f.content.len);
      out->nrows += f.nrows;
      out->full.len = 0; /* not comparable any more */
      rec_free(&f);
      return clean;
    }
    rec_free(&f);
  }
  return scan_once(st, out, p, len, final, 0, &ok);
}

/* --- the ways of feeding --------------------------------------------------------- */

/* Cut data at line ends chosen by the generator; a chunk that does not end at
** a row boundary is joined with the next one and done again. */
static void split_here(const setup *st, const char *data, size_t len, uint64_t *rng,
                       int fast_first, const rec *whole) {
  rec all;
  rec_init(&all, st->ncols, st->keep);
  int comparable_full = 1;
  unsigned every = 1 + (unsigned)(fuzz_next(rng) % 8); /* about one split in `every` line ends */
  size_t from = 0;
  uint64_t line = 0;
  for (size_t i = 0; i <= len; i++) {
    int at_end = i == len;
    int cut = at_end;
    if (!at_end && i > 0 && (data[i - 1] == '\n' || (data[i - 1] == '\r' && data[i] != '\n')))
      cut = fuzz_next(rng) % every == 0;
    if (!cut || i == from) continue;
    rec part;
    rec_init(&part, st->ncols, st->keep);
    part.line_off = line;
    int clean = chunk_rows(st, &part, data + from, i - from, at_end, fast_first);
    if (!clean && !at_end) { /* ended inside a row: join with the next chunk */
      rec_free(&part);
      continue;
    }
    if (part.full.len == 0 && part.nrows) comparable_full = 0;
    rec_append(&all, &part);
    rec_free(&part);
    line += csv_count_lines(data + from, i - from);
    from = i;
  }
  if (comparable_full && !fast_first) same(&whole->full, 0, &all.full, "cut into chunks");
  same(&whole->content, 0, &all.content, fast_first ? "chunks, fast path first" : "chunks");
  rec_free(&all);
}

/* input_open and input_header on path, as `cleave run` starts: the header's
** return code (names and ncols set when 0, err when not). */
static int open_with_header(input *in, const char *path, const setup *st, char ***names,
                            size_t *ncols, uint64_t *hlines, cl_error *err) {
  FUZZ_CHECK(input_open(in, path, err) == 0, "input_open: %s", err->msg);
  return input_header(in, st->delim, names, ncols, hlines, err);
}

/* Input that is not CSV text, by decomp_magic: gzip or zstd is read (header
** and chunks until the end or an error); a format cleave refuses (bzip2,
** zip, UTF-16...) fails the header read with CL_EXIT_INPUT and a message,
** whatever follows its magic bytes. */
static void not_plain_input(const setup *st, const char *path, uint64_t *rng, int refused) {
  input in;
  cl_error err = {0, ""};
  char **names = NULL;
  size_t ncols = 0;
  uint64_t hlines = 0;
  int hrc = open_with_header(&in, path, st, &names, &ncols, &hlines, &err);
  if (refused) {
    FUZZ_CHECK(hrc != 0 && err.code == CL_EXIT_INPUT && strstr(err.msg, "cleave reads CSV"),
               "a refused format was read (rc %d: %s)", hrc, err.msg);
  } else if (hrc == 0) {
    size_t target = 1 + (size_t)(fuzz_next(rng) % 300);
    for (;;) {
      chunk c;
      int rc = input_chunk(&in, target, &c, &err);
      if (rc != 1) {
        FUZZ_CHECK(rc == 0 || (err.code == rc && err.msg[0]), "input_chunk returned %d (%s)", rc,
                   err.msg);
        break;
      }
      FUZZ_CHECK(c.len > 0, "an empty chunk");
      free(c.data);
    }
  } else {
    FUZZ_CHECK(err.msg[0], "input_header failed without a message");
  }
  if (hrc == 0) {
    for (size_t i = 0; i < ncols; i++) free(names[i]);
    free(names);
  }
  input_close(&in);
}

/* The same bytes through input.c: a memfd read as /proc/self/fd/N. */
static int memfd = -1;

static void through_input(const setup *st0, const char *data, size_t len, uint64_t *rng,
                          int fast_first) {
  if (memfd < 0) {
    memfd = memfd_create("fuzz_csv", MFD_CLOEXEC);
    if (memfd < 0) {
      perror("memfd_create");
      abort();
    }
  }
  if (ftruncate(memfd, 0) != 0 || (len && pwrite(memfd, data, len, 0) != (ssize_t)len)) {
    perror("memfd write");
    abort();
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
  /* gzip or zstd by its magic bytes (engine/decomp.c): no reference to
  ** compare with, but the reader must fail cleanly on whatever it is fed */
  int kind = decomp_magic(data, len, NULL, NULL);
  if (kind != DECOMP_PLAIN) {
    not_plain_input(st0, path, rng, kind < 0);
    return;
  }
  /* the reference: the text after a byte order mark, header included */
  const char *text = data;
  size_t tlen = len;
  if (tlen >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    tlen -= 3;
  }
  input in;
  cl_error err = {0, ""};
  char **names = NULL;
  size_t ncols = 0;
  uint64_t hlines = 0;
  int hrc = open_with_header(&in, path, st0, &names, &ncols, &hlines, &err);

  /* the reference with the header's width, as `cleave run` scans */
  setup st = *st0;
  st.ncols = hrc == 0 ? ncols : 0;
  if (st.ncols == 0 || (st.keep && st.ncols > 8)) st.keep = NULL;
  rec whole;
  rec_init(&whole, st.ncols, st.keep);
  int ok;
  scan_once(&st, &whole, text, tlen, 1, 0, &ok);

  if (hrc != 0) {
    /* no header: the input has no row, or its first row is bad, or that
    ** row starts with a(nother) byte order mark */
    FUZZ_CHECK(whole.first_bom || whole.nrows == 0 || (whole.full.len && whole.full.p[0] == 'B'),
               "input_header failed (%s) but the first row is fine", err.msg);
    input_close(&in);
    rec_free(&whole);
    return;
  }
  FUZZ_CHECK(whole.nrows > 0 && whole.full.p[0] == 'G', "input_header found a header (%zu "
             "columns) where the scanner finds %s", ncols, whole.nrows ? "a bad row" : "no row");
  /* the header's names are the first row's fields */
  {
    buf hb = {0};
    buf_puts(&hb, "G ");
    put_u64(&hb, ncols);
    for (size_t i = 0; i < ncols; i++) {
      size_t nl = strlen(names[i]);
      if (!st.keep || st.keep[i]) put_bytes(&hb, names[i], nl);
      else put_bytes(&hb, "", 0);
    }
    buf_putc(&hb, '\n');
    /* NUL bytes in a name cut it short: compare only when there are none */
    if (!memchr(whole.content.p, '\0', whole.first_content)) {
      buf first = {0};
      buf_put(&first, whole.content.p, whole.first_content);
      same(&first, 0, &hb, "input_header's names");
      buf_free(&first);
    }
    buf_free(&hb);
  }

  /* the chunks: together, the rest of the text; their rows, the other rows */
  size_t target = 1 + (size_t)(fuzz_next(rng) % 300);
  rec all;
  rec_init(&all, st.ncols, st.keep);
  buf got = {0}, pend = {0};
  uint64_t line = hlines;
  int pend_final = 0, comparable_full = 1;
  for (;;) {
    chunk c;
    int rc = input_chunk(&in, target, &c, &err);
    FUZZ_CHECK(rc == 0 || rc == 1, "input_chunk: %s", err.msg);
    if (rc == 1) {
      FUZZ_CHECK(c.len > 0, "an empty chunk");
      FUZZ_CHECK(!pend_final, "a chunk after the final one");
      buf_put(&got, c.data, c.len);
      buf_put(&pend, c.data, c.len);
      pend_final = c.final;
      free(c.data);
    } else {
      if (pend.len == 0) break;
      pend_final = 1; /* no more input: the last chunk was final after all */
    }
    rec part;
    rec_init(&part, st.ncols, st.keep);
    part.line_off = line;
    int clean = chunk_rows(&st, &part, pend.p, pend.len, pend_final, fast_first);
    if (!clean && !pend_final) { /* join with the next chunk */
      rec_free(&part);
      continue;
    }
    if (part.full.len == 0 && part.nrows) comparable_full = 0;
    rec_append(&all, &part);
    rec_free(&part);
    line += csv_count_lines(pend.p, pend.len);
    pend.len = 0;
    if (rc == 0 || pend_final) {
      /* after a final chunk, the input says end */
      if (rc == 1) {
        chunk c2;
        FUZZ_CHECK(input_chunk(&in, target, &c2, &err) == 0, "a chunk after the final one");
      }
      break;
    }
  }
  size_t hlen = tlen - got.len;
  FUZZ_CHECK(got.len <= tlen && (got.len == 0 || memcmp(text + hlen, got.p, got.len) == 0),
             "the chunks (%zu bytes) are not the end of the input (%zu bytes)", got.len, tlen);
  if (comparable_full && !fast_first)
    same(&whole.full, whole.first_full, &all.full, "input.c chunks");
  same(&whole.content, whole.first_content, &all.content, "input.c chunks (fields)");

  for (size_t i = 0; i < ncols; i++) free(names[i]);
  free(names);
  buf_free(&got);
  buf_free(&pend);
  rec_free(&all);
  rec_free(&whole);
  input_close(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  static const unsigned char delims[] = {',', ';', '\t', '|'};
  if (size < 4) return 0;
  uint8_t keep[8];
  setup st;
  st.delim = delims[bytes[0] & 3];
  int via_input = (bytes[0] >> 2) & 1, fast_first = (bytes[0] >> 3) & 1;
  st.ncols = bytes[1] % 9;
  for (int i = 0; i < 8; i++) keep[i] = (bytes[2] >> i) & 1;
  st.keep = (bytes[2] & 0x80) || st.ncols == 0 ? NULL : keep;
  uint64_t rng = bytes[3] ^ fuzz_hash(bytes + 4, size - 4);
  const char *data = (const char *)bytes + 4;
  size_t len = size - 4;

  if (via_input) {
    through_input(&st, data, len, &rng, fast_first);
    return 0;
  }

  /* the reference: the whole buffer, exact path, with every check */
  lines ln;
  lines_make(&ln, data, len);
  rec whole;
  rec_init(&whole, st.ncols, st.keep);
  whole.data = data;
  whole.len = len;
  whole.ln = &ln;
  whole.covered = cl_calloc(ln.n + 1, 1);
  csv_scan s;
  csv_scan_init(&s, st.delim, st.ncols, st.keep, on_row, on_bad, &whole);
  int clean = 0;
  size_t used = csv_scan_feed(&s, data, len, 1, &clean);
  FUZZ_CHECK(used == len, "csv_scan_feed consumed %zu of %zu bytes", used, len);
  FUZZ_CHECK(clean, "a final feed did not end clean");
  for (uint64_t l = 0; l <= ln.n; l++) {
    int text = 0;
    for (size_t i = ln.start[l]; i < ln.start[l + 1]; i++) text |= !is_nl(data[i]);
    FUZZ_CHECK(!text || whole.covered[l], "line %llu (bytes %zu..%zu) is in no row, delivered "
               "or rejected", (unsigned long long)l, ln.start[l], ln.start[l + 1]);
  }
  whole.data = NULL; /* the checks above were for this run only */

  /* the fast path: accepts iff nothing is rejected, then the same rows */
  rec fast;
  rec_init(&fast, st.ncols, st.keep);
  int ok = 0, fclean = scan_once(&st, &fast, data, len, 1, 1, &ok);
  FUZZ_CHECK(ok == (whole.nbad == 0), "feed_fast returned %d; the exact path rejected %zu rows",
             ok, whole.nbad);
  if (ok) {
    FUZZ_CHECK(fclean, "a final fast feed did not end clean");
    same(&whole.content, 0, &fast.content, "fast path");
  }
  rec_free(&fast);
  csv_scan_free(&s);

  split_here(&st, data, len, &rng, fast_first, &whole);

  free(ln.start);
  rec_free(&whole);
  return 0;
}
