/* SPDX-License-Identifier: MIT */
/*
** calendar.c -- civil dates <-> day numbers, and dates.parse formats
** (strptime-like: %Y %y %m %d %e %b %B %%, other characters literal).
*/
#include <stdio.h>
#include <string.h>

#include "dates.h"

/* ---- day numbers (Howard Hinnant's algorithms) ---------------------------- */

int32_t dt_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

void dt_to_civil(int32_t days, int *y, int *m, int *d) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int dt_valid(int y, int m, int d) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return 0;
  return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* ---- calendar parts -------------------------------------------------------- */

int dt_weekday(int32_t days) {
  /* 1970-01-01 was a Thursday (4) */
  int r = (int)(((int64_t)days % 7 + 7) % 7);
  return (r + 3) % 7 + 1;
}

int dt_day_of_year(int32_t days) {
  int y, m, d;
  dt_to_civil(days, &y, &m, &d);
  return (int)(days - dt_from_civil(y, 1, 1)) + 1;
}

int dt_iso_week(int32_t days) {
  /* the week's Thursday decides its year; count Thursdays of that year */
  int32_t thu = days - dt_weekday(days) + 4;
  return (dt_day_of_year(thu) - 1) / 7 + 1;
}

/* m-d in year y, 29 February moved to 1 March when y is a common year. */
static int32_t in_year(int y, int m, int d) {
  if (m == 2 && d == 29 && !is_leap(y)) return dt_from_civil(y, 3, 1);
  return dt_from_civil(y, m, d);
}

int dt_days_to_next(int32_t from, int m, int d) {
  int y, fm, fd;
  dt_to_civil(from, &y, &fm, &fd);
  int32_t next = in_year(y, m, d);
  if (next < from) next = in_year(y + 1, m, d);
  return (int)(next - from);
}

/* ---- formats --------------------------------------------------------------- */

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

/* Which field a directive sets: 'y'ear, 'm'onth, 'd'ay, or 0 (literal %). */
static char directive_field(char c) {
  switch (c) {
  case 'Y': case 'y': return 'y';
  case 'm': case 'b': case 'B': return 'm';
  case 'd': case 'e': return 'd';
  default: return 0;
  }
}

int dt_format_check(const char *fmt, char *why, size_t whylen) {
  int seen_y = 0, seen_m = 0, seen_d = 0;
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') continue;
    char c = *++p;
    if (c == '%') continue;
    char f = directive_field(c);
    if (!f) {
      if (c) snprintf(why, whylen, "unknown directive %%%c", c);
      else snprintf(why, whylen, "a lone %% at the end (write %%%% for a literal %%)");
      return -1;
    }
    int *seen = f == 'y' ? &seen_y : f == 'm' ? &seen_m : &seen_d;
    if ((*seen)++) {
      snprintf(why, whylen, "it gives the %s twice",
               f == 'y' ? "year" : f == 'm' ? "month" : "day");
      return -1;
    }
  }
  if (!seen_y || !seen_m || !seen_d) {
    snprintf(why, whylen, "it has no %s", !seen_y ? "year (%Y or %y)"
             : !seen_m ? "month (%m, %b or %B)" : "day (%d or %e)");
    return -1;
  }
  return 0;
}

typedef struct cursor {
  const char *s;
  size_t len, pos;
} cursor;

static int is_space(char c) { return c == ' ' || c == '\t'; }

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* minw..maxw decimal digits. */
static int read_num(cursor *c, int minw, int maxw, int *out) {
  int n = 0, v = 0;
  while (n < maxw && c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
    v = v * 10 + (c->s[c->pos++] - '0');
    n++;
  }
  *out = v;
  return n >= minw ? 0 : -1;
}

/* Does the input continue with word (lower case), ignoring case? */
static int match_word(const cursor *c, const char *word, size_t n) {
  if (c->len - c->pos < n) return 0;
  for (size_t i = 0; i < n; i++)
    if (lower(c->s[c->pos + i]) != word[i]) return 0;
  return 1;
}

/* A full month name or its three-letter abbreviation, any case. */
static int read_month_name(cursor *c, int *m) {
  for (int i = 0; i < 12; i++) {
    size_t full = strlen(month_names[i]);
    size_t n = match_word(c, month_names[i], full) ? full
               : match_word(c, month_names[i], 3) ? 3 : 0;
    if (n) {
      c->pos += n;
      *m = i + 1;
      return 0;
    }
  }
  return -1;
}

/* %y: 69..99 -> 1969..1999, 00..68 -> 2000..2068 (POSIX strptime). */
static int pivot_year(int yy) { return yy >= 69 ? 1900 + yy : 2000 + yy; }

static int read_directive(cursor *c, char d, int *y, int *m, int *day) {
  switch (d) {
  case 'Y': return read_num(c, 4, 4, y);
  case 'y':
    if (read_num(c, 1, 2, y)) return -1;
    *y = pivot_year(*y);
    return 0;
  case 'm': return read_num(c, 1, 2, m);
  case 'e':
    while (c->pos < c->len && is_space(c->s[c->pos])) c->pos++;
    return read_num(c, 1, 2, day);
  case 'd': return read_num(c, 1, 2, day);
  case 'b': case 'B': return read_month_name(c, m);
  case '%': return c->pos < c->len && c->s[c->pos++] == '%' ? 0 : -1;
  default: return -1;
  }
}

int dt_parse(const char *fmt, const char *s, size_t len, int32_t *days) {
  cursor c = {s, len, 0};
  int y = 0, m = 0, d = 0;
  for (const char *p = fmt; *p; p++) {
    if (*p == '%') {
      if (read_directive(&c, *++p, &y, &m, &d)) return -1;
    } else if (is_space(*p)) { /* as in strptime: any run of blanks, or none */
      while (c.pos < c.len && is_space(c.s[c.pos])) c.pos++;
    } else if (c.pos >= c.len || c.s[c.pos++] != *p) {
      return -1;
    }
  }
  if (c.pos != c.len || !dt_valid(y, m, d)) return -1;
  *days = dt_from_civil(y, m, d);
  return 0;
}
