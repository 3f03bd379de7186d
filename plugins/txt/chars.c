/* SPDX-License-Identifier: MIT */
/*
** chars.c -- UTF-8 for the txt plugin: counting characters and lower-casing.
** A strict decoder (no overlong forms, no surrogates, nothing above
** U+10FFFF); a byte that starts no valid sequence is one character of its own
** and is copied unchanged, so invalid input never fails a criterion.
*/
#include <string.h>
#include <wctype.h>

#include "txt.h"

/* Length of the valid UTF-8 sequence at s[0..len) and its code point in *cp,
** or 0 when s[0] starts none. */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp) {
  unsigned char c = s[0];
  size_t n;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1Fu, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0Fu, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07u, min = 0x10000;
  else return 0;
  if (len < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

static size_t encode(uint32_t cp, unsigned char *d) {
  if (cp < 0x80) {
    d[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    d[0] = (unsigned char)(0xC0 | (cp >> 6));
    d[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    d[0] = (unsigned char)(0xE0 | (cp >> 12));
    d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  d[0] = (unsigned char)(0xF0 | (cp >> 18));
  d[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  d[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  d[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t chars_count(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0, i = 0;
  uint32_t cp;
  while (i < len) {
    size_t k = p[i] < 0x80 ? 1 : decode(p + i, len - i, &cp);
    i += k ? k : 1;
    n++;
  }
  return n;
}

size_t chars_lower(const char *s, size_t len, char *dst, size_t cap, locale_t loc) {
  const unsigned char *p = (const unsigned char *)s;
  unsigned char *d = (unsigned char *)dst, tmp[4];
  size_t i = 0, o = 0;
  while (i < len) {
    uint32_t cp;
    size_t k;
    if (p[i] < 0x80) {
      if (o >= cap) return (size_t)-1;
      d[o++] = p[i] >= 'A' && p[i] <= 'Z' ? (unsigned char)(p[i] - 'A' + 'a') : p[i];
      i++;
      continue;
    }
    k = decode(p + i, len - i, &cp);
    if (k == 0 || !loc) { /* an invalid byte, or no Unicode table: as it is */
      size_t n = k ? k : 1;
      if (cap - o < n) return (size_t)-1;
      memcpy(d + o, p + i, n);
      o += n;
      i += n;
      continue;
    }
    wint_t lw = towlower_l((wint_t)cp, loc);
    uint32_t lc = (uint32_t)lw;
    if (lc > 0x10FFFF || (lc >= 0xD800 && lc <= 0xDFFF)) lc = cp;
    size_t m = encode(lc, tmp);
    if (cap - o < m) return (size_t)-1;
    memcpy(d + o, tmp, m);
    o += m;
    i += k;
  }
  return o;
}
