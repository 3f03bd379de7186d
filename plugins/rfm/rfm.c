/* SPDX-License-Identifier: MIT */
/*
** rfm.c -- the "rfm" criterion plugin: recency, frequency and monetary
** scores from 1 to 5, with thresholds from [plugin.rfm] in engine.ini.
**
**   [plugin.rfm]
**   recency_days = 30,60,120,240   ; 5 if days <= 30, 4 if <= 60, ... else 1
**   frequency    = 20,10,5,2       ; 5 if count >= 20, 4 if >= 10, ... else 1
**   monetary     = 3000,1500,600,200
**
** The defaults are those of workload retail-v1. A missing input scores 1
** ("else or missing -> 1"), so a score is never missing. Each criterion also
** takes an optional constant text of 4 thresholds that overrides the
** configured ones for that call: rfm.recency(days, "14,30,90,180").
*/
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleave/plugin.h"

#define RFM_TEXT_MAX 128 /* longest threshold list read */

/* Score 5 for the first threshold met, 4 for the second, ...; else 1.
** at_most: met when x <= t (recency); otherwise when x >= t. */
typedef struct rfm_scale {
  double t[4];
  int at_most;
} rfm_scale;

typedef struct rfm_state {
  rfm_scale recency, frequency, monetary;
} rfm_state;

/* What each scale is called and how it goes: its config key, its default and
** the order its thresholds must follow. */
typedef struct rfm_kind {
  const char *key;
  const char *fallback;
  int at_most;
  size_t offset; /* of its rfm_scale in rfm_state */
} rfm_kind;

static const rfm_kind kinds[3] = {
    {"recency_days", "30,60,120,240", 1, offsetof(rfm_state, recency)},
    {"frequency", "20,10,5,2", 0, offsetof(rfm_state, frequency)},
    {"monetary", "3000,1500,600,200", 0, offsetof(rfm_state, monetary)},
};

/* ---- thresholds ---------------------------------------------------------- */

static int why_fail(char *why, size_t wl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write the reason into why; returns -1. */
static int why_fail(char *why, size_t wl, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, wl, fmt, ap);
  va_end(ap);
  return -1;
}

/* Exactly 4 comma-separated numbers in s[0..len): 0, or -1 with a reason. */
static int parse_four(const char *s, size_t len, double t[4], char *why, size_t wl) {
  char buf[RFM_TEXT_MAX], *p = buf, *end;
  int n = 0;
  if (len >= sizeof buf) return why_fail(why, wl, "the list is too long");
  memcpy(buf, s, len);
  buf[len] = '\0';
  for (;;) {
    double x = strtod(p, &end);
    if (end == p || !isfinite(x)) return why_fail(why, wl, "that is not a list of numbers");
    if (n == 4) return why_fail(why, wl, "it has more than 4 numbers");
    t[n++] = x;
    while (*end == ' ' || *end == '\t') end++;
    if (*end == '\0') break;
    if (*end != ',') return why_fail(why, wl, "that is not a list of numbers");
    p = end + 1;
  }
  if (n != 4) return why_fail(why, wl, "it has %d number%s, not 4", n, n == 1 ? "" : "s");
  return 0;
}

/* Thresholds for score 5 first: increasing for recency, decreasing else. */
static int check_order(const double t[4], int at_most, char *why, size_t wl) {
  for (int i = 1; i < 4; i++)
    if (at_most ? !(t[i] > t[i - 1]) : !(t[i] < t[i - 1]))
      return why_fail(why, wl, "the numbers must %s (the threshold for score 5 first)",
                      at_most ? "increase" : "decrease");
  return 0;
}

static int read_scale(const rfm_kind *k, const char *s, size_t len, rfm_scale *sc,
                      char *why, size_t wl) {
  sc->at_most = k->at_most;
  if (parse_four(s, len, sc->t, why, wl)) return -1;
  return check_order(sc->t, k->at_most, why, wl);
}

/* ---- lifecycle ----------------------------------------------------------- */

/* The engine has checked [plugin.rfm] against config_decls (below): only
** these keys, each a text; config_string gives the value or the default. */
static int rfm_init(const cleave_host *host, const cleave_config *cfg, void **state,
                    cleave_err *err) {
  rfm_state *st = malloc(sizeof *st);
  char why[160];
  if (!st) return host->errorf(err, "out of memory");
  for (int i = 0; i < 3; i++) {
    const char *v = host->config_string(cfg, kinds[i].key);
    rfm_scale *sc = (rfm_scale *)((char *)st + kinds[i].offset);
    if (read_scale(&kinds[i], v, strlen(v), sc, why, sizeof why)) {
      free(st);
      return host->errorf(err, "%s:%d: [plugin.rfm] %s = %s: %s; write 4 numbers "
                          "like %s", cfg->path ? cfg->path : "engine.ini",
                          host->config_line(cfg, kinds[i].key), kinds[i].key, v, why,
                          kinds[i].fallback);
    }
  }
  *state = st;
  return CLEAVE_OK;
}

static void rfm_fini(void *state) { free(state); }

/* inst: a copy of the configured scale, or of the call's override. */
static int compile_kind(const rfm_kind *k, const rfm_scale *cfg_scale,
                        const cleave_compile_ctx *ctx, const cleave_value *consts,
                        void **inst, cleave_err *err) {
  const cleave_value *o = &consts[1];
  char why[160];
  rfm_scale *sc = malloc(sizeof *sc);
  if (!sc) return ctx->host->errorf(err, "out of memory");
  *sc = *cfg_scale;
  if (!o->missing && o->type != CLEAVE_TEXT) {
    free(sc);
    return ctx->host->errorf(err, "thresholds must be a text of 4 numbers like "
                             "\"%s\"", k->fallback);
  }
  if (!o->missing && read_scale(k, o->u.str.ptr, o->u.str.len, sc, why, sizeof why)) {
    free(sc);
    return ctx->host->errorf(err, "thresholds \"%.*s\": %s; write 4 numbers "
                             "like \"%s\"", (int)o->u.str.len, o->u.str.ptr,
                             why, k->fallback);
  }
  *inst = sc;
  return CLEAVE_OK;
}

static int recency_compile(void *state, const cleave_compile_ctx *ctx,
                           const cleave_value *consts, void **inst, cleave_err *err) {
  return compile_kind(&kinds[0], &((rfm_state *)state)->recency, ctx, consts, inst, err);
}

static int frequency_compile(void *state, const cleave_compile_ctx *ctx,
                             const cleave_value *consts, void **inst, cleave_err *err) {
  return compile_kind(&kinds[1], &((rfm_state *)state)->frequency, ctx, consts, inst,
                      err);
}

static int monetary_compile(void *state, const cleave_compile_ctx *ctx,
                            const cleave_value *consts, void **inst, cleave_err *err) {
  return compile_kind(&kinds[2], &((rfm_state *)state)->monetary, ctx, consts, inst,
                      err);
}

static void free_inst(void *inst) { free(inst); }

/* ---- eval ---------------------------------------------------------------- */

static void score_eval(const void *inst, void *ts, const cleave_value *args,
                       cleave_value *out) {
  const rfm_scale *sc = inst;
  int score = 1; /* missing (or NaN) scores 1 */
  (void)ts;
  if (!args[0].missing && !isnan(args[0].u.number)) {
    double x = args[0].u.number;
    for (int i = 0; i < 4 && score == 1; i++)
      if (sc->at_most ? x <= sc->t[i] : x >= sc->t[i]) score = 5 - i;
  }
  out->type = CLEAVE_NUMBER;
  out->missing = 0;
  out->u.number = score;
}

/* ---- descriptor ---------------------------------------------------------- */

static const cleave_arg days_args[] = {
    {"days", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)},
    {"thresholds", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_TEXT, sizeof(cleave_arg)}};
static const cleave_arg count_args[] = {
    {"count", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)},
    {"thresholds", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_TEXT, sizeof(cleave_arg)}};
static const cleave_arg amount_args[] = {
    {"amount", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)},
    {"thresholds", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_TEXT, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"recency",
     "R score 1..5 from days since the last purchase: 5 if days <= 30, 4 if <= 60, "
     "3 if <= 120, 2 if <= 240, else 1 (recency_days); missing days -> 1",
     CLEAVE_NUMBER, CLEAVE_PURE, days_args, 2, 1, recency_compile, score_eval,
     free_inst, sizeof(cleave_criterion)},
    {"frequency",
     "F score 1..5 from an order count: 5 if count >= 20, 4 if >= 10, 3 if >= 5, "
     "2 if >= 2, else 1 (frequency); missing count -> 1",
     CLEAVE_NUMBER, CLEAVE_PURE, count_args, 2, 1, frequency_compile, score_eval,
     free_inst, sizeof(cleave_criterion)},
    {"monetary",
     "M score 1..5 from an amount spent: 5 if amount >= 3000, 4 if >= 1500, 3 if "
     ">= 600, 2 if >= 200, else 1 (monetary); missing amount -> 1",
     CLEAVE_NUMBER, CLEAVE_PURE, amount_args, 2, 1, monetary_compile, score_eval,
     free_inst, sizeof(cleave_criterion)},
};

/* Typed config (ABI 1.1): the engine checks [plugin.rfm] against this and
** `cleave plugins` shows it. The lists' own rules (4 numbers, in order) are
** checked by init. */
static const cleave_config_decl config[] = {
    {sizeof(cleave_config_decl), CLEAVE_CFG_STRING, "recency_days",
     "R thresholds in days, 4 increasing numbers: 5 if days <= the first, ...",
     "30,60,120,240", CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 7, RFM_TEXT_MAX - 1},
    {sizeof(cleave_config_decl), CLEAVE_CFG_STRING, "frequency",
     "F thresholds in orders, 4 decreasing numbers: 5 if count >= the first, ...",
     "20,10,5,2", CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 7, RFM_TEXT_MAX - 1},
    {sizeof(cleave_config_decl), CLEAVE_CFG_STRING, "monetary",
     "M thresholds in money, 4 decreasing numbers: 5 if amount >= the first, ...",
     "3000,1500,600,200", CLEAVE_CFG_MIN | CLEAVE_CFG_MAX, 7, RFM_TEXT_MAX - 1},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "rfm", "1.1",
    "recency, frequency and monetary scores 1..5", NULL, rfm_init, NULL, NULL,
    rfm_fini, criteria, sizeof criteria / sizeof criteria[0],
    config, sizeof config / sizeof config[0]};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
