/* SPDX-License-Identifier: MIT */
/*
** csv_fast.c -- the vectorised reader (see csv_fast.h).
**
** A cursor walks the chunk 64 bytes at a time: each block becomes a bitmask
** of its special bytes (the delimiter, the quote, LF, CR, NUL), and fields
** are cut at the set bits in order, lowest first. Every special byte is
** consumed exactly once, so after a field the next set bit is the first
** special byte at or after the next field's start. Fields go to the scanner's
** arena as csv_scan.c's on_field puts them (kept columns only, one 16-byte
** move for short ones), rows end through csv_scan_end_row: what the row code
** sees cannot tell the two readers apart.
*/
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "csv_fast.h"

#define BLOCK 64

typedef struct kern {
  unsigned char delim, quote;
#ifdef __SSE2__
  __m128i vd, vq, vlf, vcr, vz;
#endif
} kern;

static inline uint64_t mask_scalar(const kern *k, const unsigned char *p) {
  uint64_t m = 0;
  for (int i = 0; i < BLOCK; i++) {
    unsigned char c = p[i];
    m |= (uint64_t)(c == k->delim || c == k->quote || c == '\n' || c == '\r' || c == 0) << i;
  }
  return m;
}

#ifdef __SSE2__
static inline uint64_t mask16(const kern *k, const unsigned char *p) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i a = _mm_or_si128(_mm_cmpeq_epi8(x, k->vd), _mm_cmpeq_epi8(x, k->vq));
  __m128i b = _mm_or_si128(_mm_cmpeq_epi8(x, k->vlf), _mm_cmpeq_epi8(x, k->vcr));
  a = _mm_or_si128(a, _mm_or_si128(b, _mm_cmpeq_epi8(x, k->vz)));
  return (uint64_t)(uint32_t)_mm_movemask_epi8(a);
}

static inline uint64_t mask_sse2(const kern *k, const unsigned char *p) {
  return mask16(k, p) | mask16(k, p + 16) << 16 | mask16(k, p + 32) << 32 | mask16(k, p + 48) << 48;
}
#endif

static inline __attribute__((always_inline)) uint64_t mask_block(const kern *k,
                                                                 const unsigned char *p, int simd) {
#ifdef __SSE2__
  if (simd) return mask_sse2(k, p);
#else
  (void)simd;
#endif
  return mask_scalar(k, p);
}

typedef struct cursor {
  const unsigned char *d;
  size_t len;
  size_t blk; /* start of the block m describes */
  uint64_t m; /* its special bytes not consumed yet */
  kern k;
} cursor;

/* The mask of the block at at (< len); a short last block is copied out,
** so nothing is read past the chunk. */
static inline __attribute__((always_inline)) uint64_t block_at(const cursor *c, size_t at,
                                                               int simd) {
  if (c->len - at >= BLOCK) return mask_block(&c->k, c->d + at, simd);
  unsigned char tmp[BLOCK];
  size_t n = c->len - at;
  memset(tmp, 0, sizeof tmp);
  memcpy(tmp, c->d + at, n);
  return mask_block(&c->k, tmp, simd) & ((1ull << n) - 1);
}

/* The next special byte's offset (consumed), or len when there is none. */
static inline __attribute__((always_inline)) size_t next_special(cursor *c, int simd) {
  while (!c->m) {
    if (c->len - c->blk <= BLOCK) return c->len;
    c->blk += BLOCK;
    c->m = block_at(c, c->blk, simd);
  }
  size_t i = c->blk + (size_t)__builtin_ctzll(c->m);
  c->m &= c->m - 1;
  return i;
}

/* The next special byte's offset, not consumed, or len when there is none. */
static inline __attribute__((always_inline)) size_t peek_special(cursor *c, int simd) {
  while (!c->m) {
    if (c->len - c->blk <= BLOCK) return c->len;
    c->blk += BLOCK;
    c->m = block_at(c, c->blk, simd);
  }
  return c->blk + (size_t)__builtin_ctzll(c->m);
}

static inline void append(csv_scan *s, const unsigned char *p, size_t n, const unsigned char *end) {
  buf *a = &s->arena;
  if (a->cap - a->len < n + 16) buf_grow(a, n + 16);
  if (n <= 16 && (size_t)(end - p) >= 16) memcpy(a->p + a->len, p, 16); /* one fixed move */
  else memcpy(a->p + a->len, p, n);
  a->len += n;
}

/* The field that started at arena offset off is complete (kept column fi). */
static inline void field_done(csv_scan *s, size_t fi, size_t off) {
  size_t n = s->arena.len - off;
  if (__builtin_expect(s->numcols != NULL, 0) && s->numcols[fi] && n) {
    n = csv_decimal_comma(s->arena.p + off, n);
    s->arena.len = off + n;
  }
  s->off[fi] = off;
  s->cols[fi].len = n;
  s->lens[fi] = (uint32_t)n;
}

static inline __attribute__((always_inline)) int scan(csv_scan *s, const char *data, size_t len,
                                                      int final, int *clean, int simd) {
  *clean = 0;
  if (!s->keep || !s->ncols) return CSV_FAST_UNSURE; /* header mode: libcsv's */
  const unsigned char *d = (const unsigned char *)data, *end = d + len;
  const unsigned char q = s->quote, dl = s->delim;
  cursor c;
  c.d = d;
  c.len = len;
  c.blk = 0;
  c.k.delim = dl;
  c.k.quote = q;
#ifdef __SSE2__
  c.k.vd = _mm_set1_epi8((char)dl);
  c.k.vq = _mm_set1_epi8((char)q);
  c.k.vlf = _mm_set1_epi8('\n');
  c.k.vcr = _mm_set1_epi8('\r');
  c.k.vz = _mm_setzero_si128();
#endif
  c.m = len ? block_at(&c, 0, simd) : 0;
  s->fast = 1;
  s->fast_failed = 0;
  s->line = 0;
  s->nfields = 0;
  int rc = CSV_FAST_UNSURE;
  size_t pos = 0;
  /* the plain loop below: not for decimal comma columns (rewritten) */
  const int plain = s->numcols == NULL;
  const uint8_t *keep = s->keep;
  const size_t ncols = s->ncols;
  cleave_str *cols = s->cols;
  while (pos < len) { /* a row starts at pos */
    if (d[pos] == '\n') { /* a blank line */
      next_special(&c, simd);
      pos++;
      continue;
    }
    if (d[pos] == '\r') {
      if (pos + 1 == len || d[pos + 1] != '\n') goto out; /* a bare CR */
      next_special(&c, simd);
      next_special(&c, simd);
      pos += 2;
      continue;
    }
    /* The common case first: unquoted fields each ended by the delimiter,
    ** the last by LF. A field that starts with a quote has the quote as
    ** its first special byte, so t is the delimiter or LF only for an
    ** unquoted field. The scanner's state stays in locals here (stores to
    ** the field arrays would otherwise force it to be reloaded) and is
    ** written back before a row ends or the general code below runs. */
    if (plain) {
      size_t nf = s->nfields;
      size_t *foff = s->off; /* on_row may move the row slots (csv_scan_row_slots) */
      uint32_t *lens = s->lens;
      char *ap = s->arena.p;
      size_t alen = s->arena.len, acap = s->arena.cap;
      for (;;) {
        size_t i = peek_special(&c, simd);
        if (i >= len || len - pos < 16) break;
        unsigned char t = d[i];
        if (t != dl && t != '\n') break;
        c.m &= c.m - 1;
        size_t n = i - pos;
        if (nf < ncols && keep[nf]) {
          if (__builtin_expect(acap - alen < n + 16, 0)) {
            s->arena.len = alen;
            buf_grow(&s->arena, n + 16);
            ap = s->arena.p;
            acap = s->arena.cap;
          }
          if (n <= 16) memcpy(ap + alen, d + pos, 16); /* one fixed move */
          else memcpy(ap + alen, d + pos, n);
          foff[nf] = alen;
          cols[nf].len = n;
          lens[nf] = (uint32_t)n;
          alen += n;
        }
        nf++;
        pos = i + 1;
        if (t == '\n') {
          s->arena.len = alen;
          s->nfields = nf;
          csv_scan_end_row(s);
          nf = 0; /* csv_scan_end_row cleared it; the arena may be cleared too */
          foff = s->off; /* on_row may have moved the row slots on */
          lens = s->lens;
          alen = s->arena.len;
          ap = s->arena.p;
          acap = s->arena.cap;
          if (s->fast_failed) break;
          if (pos < len && (d[pos] == '\n' || d[pos] == '\r')) break; /* a blank line */
        }
      }
      s->arena.len = alen;
      s->nfields = nf;
      if (s->fast_failed) {
        rc = CSV_FAST_EXACT;
        goto out;
      }
      if (nf == 0) { /* a row starts at pos */
        if (pos >= len) break;
        if (d[pos] == '\n' || d[pos] == '\r') continue; /* the blank-line checks above */
      }
    }
    for (;;) { /* a field starts at pos */
      size_t i = next_special(&c, simd);
      size_t fi = s->nfields++;
      int kept = fi < s->ncols && s->keep[fi];
      size_t off = s->arena.len;
      if (i == pos && i < len && d[i] == q) { /* quoted */
        size_t seg = pos + 1;
        for (;;) {
          size_t j;
          do j = next_special(&c, simd);
          while (j < len && d[j] != q && d[j] != 0);
          if (j == len || d[j] == 0) goto out; /* never closed here, or a NUL */
          if (j + 1 < len && d[j + 1] == q) { /* "" */
            if (kept) append(s, d + seg, j + 1 - seg, end);
            next_special(&c, simd);
            seg = j + 2;
            continue;
          }
          if (kept) append(s, d + seg, j - seg, end);
          i = next_special(&c, simd);
          if (j + 1 < len && i != j + 1) goto out; /* text after the closing quote */
          break;
        }
      } else {
        if (i < len && (d[i] == q || d[i] == 0)) goto out; /* a quote inside the field, a NUL */
        if (kept) append(s, d + pos, i - pos, end);
      }
      if (kept) field_done(s, fi, off);
      if (i == len) { /* the input ends inside this row */
        if (!final) goto out;
        csv_scan_end_row(s);
        pos = len;
        break;
      }
      unsigned char t = d[i];
      pos = i + 1;
      if (t == dl) continue;
      if (t == '\r') {
        if (pos == len || d[pos] != '\n') goto out; /* a bare CR */
        next_special(&c, simd);
        pos++;
      } else if (t != '\n') {
        goto out; /* a NUL after a closing quote */
      }
      csv_scan_end_row(s);
      break;
    }
    if (s->fast_failed) {
      rc = CSV_FAST_EXACT;
      goto out;
    }
  }
  rc = CSV_FAST_OK;
  *clean = 1;
out:
  s->fast = 0;
  return rc;
}

static int scan_scalar(csv_scan *s, const char *data, size_t len, int final, int *clean) {
  return scan(s, data, len, final, clean, 0);
}

#ifdef __SSE2__
static int scan_sse2(csv_scan *s, const char *data, size_t len, int final, int *clean) {
  return scan(s, data, len, final, clean, 1);
}
#endif

int csv_fast_simd(void) {
#ifdef __SSE2__
  return 1;
#else
  return 0;
#endif
}

int csv_fast_feed_kernel(csv_scan *s, const char *data, size_t len, int final, int *clean,
                         int simd) {
#ifdef __SSE2__
  if (simd) return scan_sse2(s, data, len, final, clean);
#else
  (void)simd;
#endif
  return scan_scalar(s, data, len, final, clean);
}

int csv_fast_feed(csv_scan *s, const char *data, size_t len, int final, int *clean) {
  return csv_fast_feed_kernel(s, data, len, final, clean, 1);
}
