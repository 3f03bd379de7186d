/* SPDX-License-Identifier: MIT */
/*
** dates.h -- calendar arithmetic and the strptime-like parser shared by the
** files of the dates plugin (hidden: only cleave_plugin_entry is exported).
*/
#ifndef DATES_H
#define DATES_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian); no range check. */
int32_t dt_from_civil(int y, int m, int d);
/* Inverse of dt_from_civil. */
void dt_to_civil(int32_t days, int *y, int *m, int *d);
/* 1 when y-m-d is a real date with 1 <= y <= 9999. */
int dt_valid(int y, int m, int d);

/* Calendar parts of a day number: ISO weekday 1 (Monday) .. 7 (Sunday), day
** of the year 1..366, ISO 8601 week 1..53 (weeks start on Monday; week 1
** holds the year's first Thursday). */
int dt_weekday(int32_t days);
int dt_day_of_year(int32_t days);
int dt_iso_week(int32_t days);
/* Days from day number from to the next day (from itself included) whose
** month and day are m-d; a 29 February falls on 1 March in common years. */
int dt_days_to_next(int32_t from, int m, int d);

/* Check a dates.parse format: 0 if usable, else -1 with a reason in why. */
int dt_format_check(const char *fmt, char *why, size_t whylen);
/* Parse s[0..len) with a checked format; 0 and *days on success, -1 if the
** text does not match the format or names no real date. */
int dt_parse(const char *fmt, const char *s, size_t len, int32_t *days);

#endif
