/* SPDX-License-Identifier: MIT */
/*
** datecalc.h -- civil (proleptic Gregorian) dates as days since 1970-01-01.
*/
#ifndef CLEAVE_DATECALC_H
#define CLEAVE_DATECALC_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of y-m-d; no range check. */
int32_t date_from_civil(int y, int m, int d);
/* Inverse of date_from_civil. */
void date_to_civil(int32_t days, int *y, int *m, int *d);
/* Parse exactly "YYYY-MM-DD" (len 10) with a valid month and day; 0 on
** success, -1 otherwise. */
int date_parse_iso(const char *s, size_t len, int32_t *days);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void date_format_iso(int32_t days, char *buf);
/* Today in the local time zone (TZ), as the day number. */
int32_t date_today(void);

#endif
