/* SPDX-License-Identifier: MIT */
/*
** buf.c -- growable byte buffer.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "error.h"

void buf_grow(buf *b, size_t need) {
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < need + 1) cap *= 2;
  if (cap != b->cap) {
    b->p = cl_realloc(b->p, cap);
    b->cap = cap;
  }
}

void buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  buf_grow(b, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void buf_csv_field(buf *b, const char *s, size_t len, char delim) {
  int quote = 0;
  for (size_t i = 0; i < len && !quote; i++)
    quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    buf_put(b, s, len);
    return;
  }
  buf_putc(b, '"');
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') buf_putc(b, '"');
    buf_putc(b, s[i]);
  }
  buf_putc(b, '"');
}

const char *buf_cstr(buf *b) {
  buf_grow(b, 1);
  b->p[b->len] = '\0';
  return b->p;
}

void buf_free(buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}
