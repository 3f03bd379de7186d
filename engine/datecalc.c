/* SPDX-License-Identifier: MIT */
/*
** datecalc.c -- civil dates <-> day numbers (Howard Hinnant's algorithms).
*/
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "datecalc.h"

static inline int32_t civil_days(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

int32_t date_from_civil(int y, int m, int d) { return civil_days(y, m, d); }

void date_to_civil(int32_t days, int *y, int *m, int *d) {
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

int date_parse_iso(const char *s, size_t len, int32_t *days) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (len != 10) return -1;
  /* "YYYY-MM-" as 8 bytes (little-endian byte i at bit 8i): the two '-'
  ** become '0', then all 8 must be digits (the SWAR test of simdjson's
  ** is_made_of_eight_digits_fast: no carry can make a non-digit pass) */
  uint64_t v;
  memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  const uint64_t dashes = 0xFFull << 32 | 0xFFull << 56;
  if ((v & dashes) != ((uint64_t)'-' << 32 | (uint64_t)'-' << 56)) return -1;
  v = (v & ~dashes) | (0x30ull << 32 | 0x30ull << 56);
  if (((v & 0xF0F0F0F0F0F0F0F0ull) | (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) !=
      0x3333333333333333ull)
    return -1;
  unsigned d8 = (unsigned)((unsigned char)s[8] - '0'), d9 = (unsigned)((unsigned char)s[9] - '0');
  if (d8 > 9 || d9 > 9) return -1;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (int)(d8 * 10 + d9);
  if (m < 1 || m > 12 || d < 1) return -1;
  if (d > mdays[m - 1] + (m == 2 && is_leap(y))) return -1;
  *days = civil_days(y, m, d);
  return 0;
}

void date_format_iso(int32_t days, char *buf) {
  int y, m, d;
  date_to_civil(days, &y, &m, &d);
  unsigned uy = (unsigned)(y < 0 ? 0 : y % 10000);
  const unsigned parts[8] = {uy / 1000, uy / 100 % 10, uy / 10 % 10, uy % 10,
                             (unsigned)m / 10, (unsigned)m % 10, (unsigned)d / 10,
                             (unsigned)d % 10};
  for (int i = 0, o = 0; i < 8; i++) {
    buf[o++] = (char)('0' + parts[i]);
    if (i == 3 || i == 5) buf[o++] = '-';
  }
  buf[10] = '\0';
}

/* Today in the local time zone (TZ): a cron job at 00:30 in Berlin means
** the Berlin date, not the UTC one. */
int32_t date_today(void) {
  time_t now = time(NULL);
  struct tm tm;
  if (!localtime_r(&now, &tm)) return (int32_t)(now / 86400); /* cannot happen: UTC */
  return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
