/* SPDX-License-Identifier: MIT */
/*
** dates.c -- the "dates" criterion plugin: day counts against the run's
** as-of date, ages, and parsing dates written in other formats.
**
** Every criterion keeps what it needs (the as-of date, its constants) in its
** own instance, built by compile and freed by free_inst; there is no plugin
** or thread state.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleave/plugin.h"
#include "dates.h"

typedef struct dates_inst {
  int32_t as_of;  /* days since 1970-01-01 */
  int as_of_year;
  double lo, hi;  /* within_days: 0..n; between_days: a..b */
  char fmt[];     /* parse: the checked format, NUL-terminated */
} dates_inst;

/* ---- results ------------------------------------------------------------- */

static void set_missing(cleave_value *out, int32_t type) {
  out->type = type;
  out->missing = 1;
}

static void set_number(cleave_value *out, double x) {
  out->type = CLEAVE_NUMBER;
  out->missing = 0;
  out->u.number = x;
}

static void set_bool(cleave_value *out, int b) {
  out->type = CLEAVE_BOOL;
  out->missing = 0;
  out->u.boolean = b != 0;
}

/* ---- compile --------------------------------------------------------------- */

static dates_inst *new_inst(const cleave_compile_ctx *ctx, size_t extra,
                            cleave_err *err) {
  dates_inst *di = malloc(sizeof *di + extra);
  int m, d;
  if (!di) {
    ctx->host->errorf(err, "out of memory");
    return NULL;
  }
  di->as_of = ctx->as_of;
  dt_to_civil(ctx->as_of, &di->as_of_year, &m, &d);
  di->lo = di->hi = 0;
  if (extra) di->fmt[0] = '\0';
  return di;
}

/* A constant number of days: finite and present. */
static int const_days(const cleave_compile_ctx *ctx, const cleave_value *v,
                      const char *what, double *out, cleave_err *err) {
  if (v->missing || v->type != CLEAVE_NUMBER || !isfinite(v->u.number))
    return ctx->host->errorf(err, "%s must be a number of days", what);
  *out = v->u.number;
  return CLEAVE_OK;
}

/* days_since, age, years_since: only the as-of date. */
static int as_of_compile(void *state, const cleave_compile_ctx *ctx,
                         const cleave_value *consts, void **inst, cleave_err *err) {
  (void)state, (void)consts;
  *inst = new_inst(ctx, 0, err);
  return *inst ? CLEAVE_OK : CLEAVE_ERR;
}

static int within_compile(void *state, const cleave_compile_ctx *ctx,
                          const cleave_value *consts, void **inst, cleave_err *err) {
  double n = 0;
  (void)state;
  if (const_days(ctx, &consts[1], "n", &n, err)) return CLEAVE_ERR;
  if (n < 0)
    return ctx->host->errorf(err, "n is %g; it must be 0 or more "
                             "(use between_days for dates in the future)", n);
  dates_inst *di = new_inst(ctx, 0, err);
  if (!di) return CLEAVE_ERR;
  di->hi = n;
  *inst = di;
  return CLEAVE_OK;
}

static int between_compile(void *state, const cleave_compile_ctx *ctx,
                           const cleave_value *consts, void **inst, cleave_err *err) {
  double a = 0, b = 0;
  (void)state;
  if (const_days(ctx, &consts[1], "a", &a, err) ||
      const_days(ctx, &consts[2], "b", &b, err))
    return CLEAVE_ERR;
  if (a > b)
    return ctx->host->errorf(err, "a (%g) is above b (%g); write "
                             "the smaller number of days first", a, b);
  dates_inst *di = new_inst(ctx, 0, err);
  if (!di) return CLEAVE_ERR;
  di->lo = a;
  di->hi = b;
  *inst = di;
  return CLEAVE_OK;
}

static int parse_compile(void *state, const cleave_compile_ctx *ctx,
                         const cleave_value *consts, void **inst, cleave_err *err) {
  const cleave_value *f = &consts[1];
  char why[128];
  (void)state;
  if (f->missing || f->type != CLEAVE_TEXT || f->u.str.len == 0 ||
      memchr(f->u.str.ptr, '\0', f->u.str.len))
    return ctx->host->errorf(err, "the format must be a text such as "
                             "\"%%d-%%b-%%y\"");
  dates_inst *di = new_inst(ctx, f->u.str.len + 1, err);
  if (!di) return CLEAVE_ERR;
  memcpy(di->fmt, f->u.str.ptr, f->u.str.len);
  di->fmt[f->u.str.len] = '\0';
  if (dt_format_check(di->fmt, why, sizeof why)) {
    ctx->host->errorf(err, "cannot use format \"%s\": %s; it understands "
                      "%%Y %%y %%m %%d %%e %%b %%B %%%% and literal characters",
                      di->fmt, why);
    free(di);
    return CLEAVE_ERR;
  }
  *inst = di;
  return CLEAVE_OK;
}

static void free_inst(void *inst) { free(inst); }

/* ---- eval ------------------------------------------------------------------ */

static void days_since_eval(const void *inst, void *ts, const cleave_value *args,
                            cleave_value *out) {
  const dates_inst *di = inst;
  (void)ts;
  if (args[0].missing)
    set_missing(out, CLEAVE_NUMBER);
  else
    set_number(out, (double)di->as_of - (double)args[0].u.date);
}

static void range_eval(const void *inst, void *ts, const cleave_value *args,
                       cleave_value *out) {
  const dates_inst *di = inst;
  (void)ts;
  if (args[0].missing) {
    set_missing(out, CLEAVE_BOOL); /* the engine reads a missing BOOL as false */
  } else {
    double days = (double)di->as_of - (double)args[0].u.date;
    set_bool(out, days >= di->lo && days <= di->hi);
  }
}

static void age_eval(const void *inst, void *ts, const cleave_value *args,
                     cleave_value *out) {
  const dates_inst *di = inst;
  (void)ts;
  double by = args[0].missing ? NAN : args[0].u.number;
  if (by == floor(by) && by >= 1900 && by <= di->as_of_year)
    set_number(out, di->as_of_year - by);
  else
    set_missing(out, CLEAVE_NUMBER); /* missing, NaN, not whole, out of range */
}

/* Whole years from date a to date b (a <= b), birthday-style: the year
** counts once b reaches a's month and day (29 Feb counts on 1 Mar). */
static int whole_years(int32_t a, int32_t b) {
  int ya, ma, da, yb, mb, db;
  dt_to_civil(a, &ya, &ma, &da);
  dt_to_civil(b, &yb, &mb, &db);
  return yb - ya - (mb < ma || (mb == ma && db < da));
}

static void years_since_eval(const void *inst, void *ts, const cleave_value *args,
                             cleave_value *out) {
  const dates_inst *di = inst;
  (void)ts;
  if (args[0].missing) {
    set_missing(out, CLEAVE_NUMBER);
  } else {
    int32_t d = args[0].u.date;
    set_number(out, d <= di->as_of ? whole_years(d, di->as_of)
                                   : -whole_years(di->as_of, d));
  }
}

static void parse_eval(const void *inst, void *ts, const cleave_value *args,
                       cleave_value *out) {
  const dates_inst *di = inst;
  int32_t days;
  (void)ts;
  out->type = CLEAVE_DATE;
  out->missing = args[0].missing ||
                 dt_parse(di->fmt, args[0].u.str.ptr, args[0].u.str.len, &days) != 0;
  if (!out->missing) out->u.date = days;
}

/* ---- calendar parts ---------------------------------------------------------- */

/* A number from the date's calendar, or missing for a missing date. */
static void part_result(const cleave_value *a, cleave_value *out, int (*part)(int32_t)) {
  if (a->missing)
    set_missing(out, CLEAVE_NUMBER);
  else
    set_number(out, part(a->u.date));
}

static int part_year(int32_t days) {
  int y, m, d;
  dt_to_civil(days, &y, &m, &d);
  return y;
}

static int part_month(int32_t days) {
  int y, m, d;
  dt_to_civil(days, &y, &m, &d);
  return m;
}

static int part_day(int32_t days) {
  int y, m, d;
  dt_to_civil(days, &y, &m, &d);
  return d;
}

static int part_quarter(int32_t days) { return (part_month(days) - 1) / 3 + 1; }

#define PART_EVAL(name, fn)                                                         \
  static void name(const void *inst, void *ts, const cleave_value *args,            \
                   cleave_value *out) {                                             \
    (void)inst, (void)ts;                                                           \
    part_result(&args[0], out, fn);                                                 \
  }
PART_EVAL(year_eval, part_year)
PART_EVAL(month_eval, part_month)
PART_EVAL(day_eval, part_day)
PART_EVAL(quarter_eval, part_quarter)
PART_EVAL(weekday_eval, dt_weekday)
PART_EVAL(day_of_year_eval, dt_day_of_year)
PART_EVAL(iso_week_eval, dt_iso_week)

static void anniversary_eval(const void *inst, void *ts, const cleave_value *args,
                             cleave_value *out) {
  const dates_inst *di = inst;
  int y, m, d;
  (void)ts;
  if (args[0].missing) {
    set_missing(out, CLEAVE_NUMBER);
    return;
  }
  dt_to_civil(args[0].u.date, &y, &m, &d);
  set_number(out, dt_days_to_next(di->as_of, m, d));
}

/* ---- descriptor ------------------------------------------------------------ */

static const cleave_arg date_arg[] = {{"date", CLEAVE_ARG_VALUE, CLEAVE_DATE, sizeof(cleave_arg)}};
static const cleave_arg within_args[] = {
    {"date", CLEAVE_ARG_VALUE, CLEAVE_DATE, sizeof(cleave_arg)}, {"n", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg between_args[] = {{"date", CLEAVE_ARG_VALUE, CLEAVE_DATE, sizeof(cleave_arg)},
                                          {"a", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)},
                                          {"b", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg year_arg[] = {{"birth_year", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_arg parse_args[] = {{"text", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
                                        {"format", CLEAVE_ARG_CONST, CLEAVE_TEXT, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"days_since",
     "days from date to the as-of date (2026-10-31 gives 1 at as-of 2026-11-01; "
     "negative for later dates); missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, as_of_compile, days_since_eval,
     free_inst, sizeof(cleave_criterion)},
    {"within_days",
     "true when 0 <= days_since(date) <= n; missing date -> missing (false)",
     CLEAVE_BOOL, CLEAVE_PURE, within_args, 2, 1, within_compile, range_eval,
     free_inst, sizeof(cleave_criterion)},
    {"between_days",
     "true when a <= days_since(date) <= b (inclusive); missing date -> missing "
     "(false)",
     CLEAVE_BOOL, CLEAVE_PURE, between_args, 3, 1, between_compile, range_eval,
     free_inst, sizeof(cleave_criterion)},
    {"age",
     "year of the as-of date minus birth_year; missing when birth_year is missing, "
     "not whole, before 1900 or after the as-of year",
     CLEAVE_NUMBER, CLEAVE_PURE, year_arg, 1, 1, as_of_compile, age_eval, free_inst, sizeof(cleave_criterion)},
    {"years_since",
     "whole years from date to the as-of date, counted like birthdays (negative for "
     "later dates); missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 2, as_of_compile, years_since_eval,
     free_inst, sizeof(cleave_criterion)},
    {"parse",
     "text read as a date with a strptime-like format (%Y %y %m %d %e %b %B %%); "
     "text that does not match or is no real date -> missing",
     CLEAVE_DATE, CLEAVE_PURE, parse_args, 2, 3, parse_compile, parse_eval,
     free_inst, sizeof(cleave_criterion)},
    {"year", "the date's year (2026 for 2026-11-01); missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, year_eval, NULL, sizeof(cleave_criterion)},
    {"month", "the date's month, 1 (January) to 12; missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, month_eval, NULL, sizeof(cleave_criterion)},
    {"day", "the date's day of the month, 1 to 31; missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, day_eval, NULL, sizeof(cleave_criterion)},
    {"weekday",
     "the date's ISO weekday, 1 (Monday) to 7 (Sunday); missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, weekday_eval, NULL, sizeof(cleave_criterion)},
    {"quarter", "the date's quarter, 1 (January-March) to 4; missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, quarter_eval, NULL, sizeof(cleave_criterion)},
    {"day_of_year",
     "the date's day of the year, 1 (1 January) to 366; missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, day_of_year_eval, NULL, sizeof(cleave_criterion)},
    {"iso_week",
     "the date's ISO 8601 week, 1 to 53 (weeks start on Monday; week 1 holds the "
     "year's first Thursday); missing date -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, NULL, iso_week_eval, NULL, sizeof(cleave_criterion)},
    {"days_to_anniversary",
     "days from the as-of date to the next return of the date's month and day (0 on "
     "the day itself; a 29 February comes on 1 March in common years); missing date "
     "-> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, date_arg, 1, 1, as_of_compile, anniversary_eval,
     free_inst, sizeof(cleave_criterion)},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "dates", "1.1",
    "day counts from the run's as-of date, ages, calendar parts, date parsing", NULL, NULL, NULL,
    NULL, NULL, criteria, sizeof criteria / sizeof criteria[0],
    NULL, 0 /* config_decls (ABI 1.1): no [plugin.dates] keys */};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
