/* SPDX-License-Identifier: MIT */
/*
** utf8.h -- the one rule for bytes that are not UTF-8.
**
** cleave reads text as bytes and compares it byte by byte, so a field that
** is not valid UTF-8 still reaches the rules as it is (it can never equal a
** rule's string, which is UTF-8). Everything cleave writes -- the segments
** CSV, the reject file, summary.json, explain's output -- is valid UTF-8:
** each byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
** no overlong forms, no surrogates, nothing above U+10FFFF; a truncated
** sequence is its bytes, each invalid) is written as U+FFFD (EF BF BD), one
** U+FFFD per such byte. These functions are the only place that rule lives.
*/
#ifndef CLEAVE_UTF8_H
#define CLEAVE_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

/* Length of the well-formed sequence at s[0..len) (1..4), or 0 when s[0]
** does not start one. s[0] >= 0x80. */
size_t utf8_seq_len(const unsigned char *s, size_t len);

/* Out of line: the part after the first byte >= 0x80. */
int utf8_valid_tail(const char *s, size_t len);

/* 1 if all of s is ASCII (no byte >= 0x80): 16 bytes at a time. */
static inline int utf8_is_ascii(const char *s, size_t len) {
  size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    uint64_t a, b;
    memcpy(&a, s + i, 8);
    memcpy(&b, s + i + 8, 8);
    if ((a | b) & 0x8080808080808080ULL) return 0;
  }
  for (; i < len; i++)
    if ((unsigned char)s[i] & 0x80) return 0;
  return 1;
}

/* 1 if s[0..len) is valid UTF-8. ASCII costs one test per 16 bytes. */
static inline int utf8_valid(const char *s, size_t len) {
  return utf8_is_ascii(s, len) || utf8_valid_tail(s, len);
}

/* Append s to b with every invalid byte replaced by U+FFFD. */
void utf8_sanitize_into(buf *b, const char *s, size_t len);

/* Append s as a CSV field (quoted when it holds delim, '"', CR or LF), its
** invalid bytes as U+FFFD. */
void utf8_csv_field(buf *b, const char *s, size_t len, char delim);

/* Append s as a JSON string: '"' and '\' escaped, control characters
** (below 0x20, and 0x7F) as \u00XX, invalid bytes as U+FFFD. */
void utf8_json_str(buf *b, const char *s, size_t len);

/* Append s as HTML text or an attribute value (between double quotes): & < >
** " ' as entities, control characters (but tab and line ends) and invalid
** bytes as U+FFFD. max_chars > 0: at most that many characters, then "…". */
void utf8_html_str(buf *b, const char *s, size_t len, size_t max_chars);

#endif
