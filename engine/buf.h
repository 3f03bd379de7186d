/* SPDX-License-Identifier: MIT */
/*
** buf.h -- a growable byte buffer (output lines, messages, JSON).
*/
#ifndef CLEAVE_BUF_H
#define CLEAVE_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct buf {
  char *p;
  size_t len, cap;
} buf;

void buf_grow(buf *b, size_t need); /* make room for need more bytes */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as one CSV field: quoted (quotes doubled) only when it holds the
** delimiter, a quote, CR or LF. */
void buf_csv_field(buf *b, const char *s, size_t len, char delim);
void buf_free(buf *b);
/* NUL-terminated contents (always valid, "" when empty). */
const char *buf_cstr(buf *b);

static inline void buf_put(buf *b, const char *s, size_t n) {
  if (n == 0) return; /* b->p may be NULL: memcpy(NULL, s, 0) is undefined */
  if (b->cap - b->len < n) buf_grow(b, n);
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static inline void buf_putc(buf *b, char c) {
  if (b->cap == b->len) buf_grow(b, 1);
  b->p[b->len++] = c;
}

static inline void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

#endif
