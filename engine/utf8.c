/* SPDX-License-Identifier: MIT */
/*
** utf8.c -- validating UTF-8 and replacing what is not (see utf8.h).
*/
#include "utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t len) {
  unsigned c = s[0];
  size_t n;
  unsigned lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;           /* no overlong forms */
  else if (c == 0xED) n = 3, hi = 0x9F;           /* no surrogates */
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;           /* nothing above U+10FFFF */
  else return 0;
  if (len < n || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

int utf8_valid_tail(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    if (*p < 0x80) {
      /* back to 16 bytes at a time between the non-ASCII characters */
      if (end - p >= 16 && utf8_is_ascii((const char *)p, 16)) p += 16;
      else p++;
      continue;
    }
    size_t n = utf8_seq_len(p, (size_t)(end - p));
    if (!n) return 0;
    p += n;
  }
  return 1;
}

#define REPLACEMENT "\xEF\xBF\xBD"

void utf8_sanitize_into(buf *b, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
  while (p < end) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    size_t n = utf8_seq_len(p, (size_t)(end - p));
    if (n) {
      p += n;
      continue;
    }
    buf_put(b, (const char *)run, (size_t)(p - run));
    buf_put(b, REPLACEMENT, 3);
    run = ++p;
  }
  buf_put(b, (const char *)run, (size_t)(p - run));
}

void utf8_csv_field(buf *b, const char *s, size_t len, char delim) {
  if (utf8_valid(s, len)) {
    buf_csv_field(b, s, len, delim);
    return;
  }
  buf clean = {0};
  utf8_sanitize_into(&clean, s, len);
  buf_csv_field(b, clean.p, clean.len, delim);
  buf_free(&clean);
}

void utf8_json_str(buf *b, const char *s, size_t len) {
  buf clean = {0};
  if (!utf8_valid(s, len)) {
    utf8_sanitize_into(&clean, s, len);
    s = clean.p;
    len = clean.len;
  }
  buf_putc(b, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      buf_putc(b, '\\');
      buf_putc(b, (char)c);
    } else if (c < 0x20 || c == 0x7f) {
      buf_printf(b, "\\u%04x", c);
    } else {
      buf_putc(b, (char)c);
    }
  }
  buf_putc(b, '"');
  buf_free(&clean);
}

void utf8_html_str(buf *b, const char *s, size_t len, size_t max_chars) {
  buf clean = {0};
  if (!utf8_valid(s, len)) {
    utf8_sanitize_into(&clean, s, len);
    s = clean.p;
    len = clean.len;
  }
  size_t chars = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) != 0x80 && max_chars && chars++ == max_chars) {
      buf_puts(b, "\xE2\x80\xA6"); /* U+2026 */
      break;
    }
    switch (c) {
    case '&': buf_puts(b, "&amp;"); break;
    case '<': buf_puts(b, "&lt;"); break;
    case '>': buf_puts(b, "&gt;"); break;
    case '"': buf_puts(b, "&quot;"); break;
    case '\'': buf_puts(b, "&#39;"); break;
    default:
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) buf_put(b, REPLACEMENT, 3);
      else buf_putc(b, (char)c);
    }
  }
  buf_free(&clean);
}
