/* SPDX-License-Identifier: MIT */
/*
** t_dsl.c -- the rule language: rule text to results per record, and load-time messages.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* tap.h first: its local `buf` would shadow buf.h's type */
#include "tap.h"

#include "buf.h"
#include "datecalc.h"
#include "env_names.h"
#include "batch.h"
#include "error.h"
#include "eval.h"
#include "graph.h"
#include "log.h"
#include "render.h"
#include "rules.h"

/* A NULL-terminated list of strings, written inline. */
#define R(...) ((const char *const[]){__VA_ARGS__, NULL})

/* --- a loaded rule set, bound to a header, ready to evaluate -------------- */

typedef struct loaded {
  graph g;
  int ok;        /* loaded and bound */
  cl_error err;  /* why not */
  buf warns;     /* warnings, one a line */
  char **hdr;
  size_t ncols;
  eval_ctx c;
  void *ts[1];
} loaded;

typedef struct suite {
  logger log;
  char *key_rules, *key_header; /* what `l` was loaded from */
  loaded l;
  int have;
  const char *topic;  /* names seg_is assertions */
  const char *todo;   /* when set, the next assertion is a TODO with this reason */
  char tmp[64];       /* a directory for rule and list files */
} suite;

static void on_warn(void *ud, const char *msg) {
  buf *b = ud;
  buf_printf(b, "%s%s", b->len ? "\n" : "", msg);
}

/* Split s on sep into fresh strings; *n gets the count. */
static char **split(const char *s, char sep, size_t *n) {
  size_t cap = 1;
  for (const char *p = s; *p; p++) cap += *p == sep;
  char **v = cl_calloc(cap, sizeof *v);
  *n = 0;
  for (const char *p = s;;) {
    const char *e = strchr(p, sep);
    size_t len = e ? (size_t)(e - p) : strlen(p);
    v[(*n)++] = cl_strndup(p, len);
    if (!e) break;
    p = e + 1;
  }
  return v;
}

static void free_strs(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void opts_init(rules_opts *o, logger *lg, buf *warns) {
  memset(o, 0, sizeof *o);
  o->path = "rules.lua";
  o->display = "rules.lua";
  o->as_of = date_from_civil(2026, 11, 1);
  o->mem_limit = 64 << 20;
  o->instr_limit = 10000000;
  o->log = lg;
  o->warn = on_warn;
  o->warn_ud = warns;
}

/* Load rules (text, or the file at path when text is NULL) and bind them
** to header ("a,b,c"). l->ok says whether both worked. */
static void load(loaded *l, logger *lg, const char *text, const char *path,
                 const char *header) {
  memset(l, 0, sizeof *l);
  rules_opts o;
  opts_init(&o, lg, &l->warns);
  if (text) {
    o.source = text;
    o.source_len = strlen(text);
  } else {
    o.path = path;
  }
  l->hdr = split(header, ',', &l->ncols);
  if (rules_load(&l->g, &o, &l->err) != 0) return;
  if (rules_bind(&l->g, l->hdr, l->ncols, "test.csv", &l->err) != 0) return;
  eval_ctx_init(&l->c, &l->g, l->ts);
  l->ok = 1;
}

static void unload(loaded *l) {
  if (l->ok) eval_ctx_free(&l->c);
  graph_free(&l->g);
  buf_free(&l->warns);
  free_strs(l->hdr, l->ncols);
  memset(l, 0, sizeof *l);
}

/* "macro values,segments" from each macro's value index and whether each
** micro segment holds. */
static void line_of(const graph *g, const uint32_t *vals, const uint8_t *holds, buf *out) {
  for (uint32_t m = 0; m < g->nmacros; m++) buf_printf(out, "%s,", g->macros[m].values[vals[m]]);
  int first = 1;
  for (uint32_t m = 0; m < g->nmicros; m++)
    if (holds[m]) {
      buf_printf(out, "%s%s", first ? "" : ";", g->micros[m].name);
      first = 0;
    }
}

/* The row evaluator's line for the record cols. */
static char *row_line(loaded *l, const cleave_str *cols) {
  const graph *g = &l->g;
  uint32_t *vals = cl_calloc(g->nmacros + 1, sizeof *vals);
  uint8_t *holds = cl_calloc(g->nmicros + 1, 1);
  eval_begin(&l->c, cols);
  for (uint32_t m = 0; m < g->nmacros; m++) vals[m] = eval_macro(&l->c, m);
  for (uint32_t m = 0; m < g->nmicros; m++) holds[m] = (uint8_t)eval_pred(&l->c, g->micros[m].pred);
  buf out = {0};
  line_of(g, vals, holds, &out);
  char *r = cl_strdup(buf_cstr(&out));
  buf_free(&out);
  free(vals);
  free(holds);
  return r;
}

/* The record as a batch: BATCH_COPIES copies (past a 64-row word), each row
** evaluated by the batch evaluator. The line when every row agrees, else a
** text saying which row differs. */
#define BATCH_COPIES 67
static char *batch_line(loaded *l, const cleave_str *cols) {
  const graph *g = &l->g;
  cleave_str *cells = cl_calloc((l->ncols ? l->ncols : 1) * BATCH_COPIES, sizeof *cells);
  const cleave_str **bcols = cl_calloc(l->ncols ? l->ncols : 1, sizeof *bcols);
  for (size_t c = 0; c < l->ncols; c++) {
    for (uint32_t i = 0; i < BATCH_COPIES; i++) cells[c * BATCH_COPIES + i] = cols[c];
    bcols[c] = &cells[c * BATCH_COPIES];
  }
  batch_ctx b;
  batch_init(&b, g, l->ts);
  batch_begin(&b, bcols, BATCH_COPIES);
  uint32_t *vals = cl_calloc((size_t)(g->nmacros + 1) * BATCH_COPIES, sizeof *vals);
  uint8_t *holds = cl_calloc((size_t)(g->nmicros + 1) * BATCH_COPIES, 1);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    const uint32_t *v = batch_macro(&b, m);
    for (uint32_t i = 0; i < BATCH_COPIES; i++) vals[i * (g->nmacros + 1) + m] = v[i];
  }
  for (uint32_t m = 0; m < g->nmicros; m++) {
    const uint64_t *bits = batch_micro(&b, m);
    for (uint32_t i = 0; i < BATCH_COPIES; i++)
      holds[i * (g->nmicros + 1) + m] = (uint8_t)(bits[i / 64] >> (i % 64) & 1);
  }
  char *first = NULL;
  for (uint32_t i = 0; i < BATCH_COPIES; i++) {
    buf out = {0};
    line_of(g, vals + i * (g->nmacros + 1), holds + i * (g->nmicros + 1), &out);
    if (!first) {
      first = cl_strdup(buf_cstr(&out));
    } else if (strcmp(first, buf_cstr(&out)) != 0) {
      buf why = {0};
      buf_printf(&why, "batch row 0 '%s' but batch row %u '%s'", first, i, buf_cstr(&out));
      free(first);
      first = cl_strdup(buf_cstr(&why));
      buf_free(&why);
      buf_free(&out);
      break;
    }
    buf_free(&out);
  }
  batch_free(&b);
  free(vals);
  free(holds);
  free(bcols);
  free(cells);
  return first;
}

/* Evaluate one record ("29,US,..." by header position; an empty field is
** missing) into "macro values,segments" like an output line without its id:
** the macro values in order, then the micro segments joined by ';'. Both
** evaluators run it (eval.h on the record, batch.h on a batch of copies);
** when they disagree the text says so, and no expected value matches it. */
static char *eval_line(loaded *l, const char *record) {
  size_t n;
  char **f = split(record, ',', &n);
  cleave_str *cols = cl_calloc(l->ncols ? l->ncols : 1, sizeof *cols);
  for (size_t i = 0; i < l->ncols; i++) {
    cols[i].ptr = i < n ? f[i] : "";
    cols[i].len = i < n ? strlen(f[i]) : 0;
  }
  char *r = row_line(l, cols), *bl = batch_line(l, cols);
  if (strcmp(r, bl) != 0) {
    buf why = {0};
    buf_printf(&why, "EVALUATORS DISAGREE: row '%s', batch '%s'", r, bl);
    free(r);
    r = cl_strdup(buf_cstr(&why));
    buf_free(&why);
  }
  free(bl);
  free(cols);
  free_strs(f, n);
  return r;
}

/* The loaded rules for (rules, header): the last ones when they match. */
static loaded *get(suite *s, const char *rules, const char *header) {
  if (s->have && strcmp(s->key_rules, rules) == 0 && strcmp(s->key_header, header) == 0)
    return &s->l;
  if (s->have) {
    unload(&s->l);
    free(s->key_rules);
    free(s->key_header);
  }
  load(&s->l, &s->log, rules, NULL, header);
  s->key_rules = cl_strdup(rules);
  s->key_header = cl_strdup(header);
  s->have = 1;
  return &s->l;
}

static void forget(suite *s) {
  if (!s->have) return;
  unload(&s->l);
  free(s->key_rules);
  free(s->key_header);
  s->key_rules = s->key_header = NULL;
  s->have = 0;
}

/* --- assertions that can be TODOs ------------------------------------------ */

static int check(suite *s, int cond, const char *desc) {
  int r;
  if (s->todo) {
    r = ok(cond, "%s # TODO %s", desc, s->todo);
    if (!cond) tap_failed--; /* an expected failure: reported, not counted */
  } else {
    r = ok(cond, "%s", desc);
  }
  s->todo = NULL;
  return r;
}

static void check_str(suite *s, const char *got, const char *want, const char *desc) {
  if (!check(s, got && strcmp(got, want) == 0, desc))
    diag("  got: '%s'\n  expected: '%s'", got ? got : "(null)", want);
}

/* --- the three shapes of test ------------------------------------------------ */

/* rules + header + one record -> the expected output line. */
static void seg_is(suite *s, const char *rules, const char *header, const char *record,
                   const char *want) {
  char desc[512];
  snprintf(desc, sizeof desc, "%s: [%s] -> '%s'", s->topic, record, want);
  loaded *l = get(s, rules, header);
  if (!l->ok) {
    check(s, 0, desc);
    diag("  rules did not load: %s", l->err.msg);
    return;
  }
  char *got = eval_line(l, record);
  check_str(s, got, want, desc);
  free(got);
}

/* Every truth() expression can use these fields. */
static const char prelude[] =
    "local age = number \"age\"\n"
    "local income = number \"income\"\n"
    "local spend = number \"spend\"\n"
    "local orders = number \"orders\"\n"
    "local opens = number \"opens\"\n"
    "local clicks = number \"clicks\"\n"
    "local temp = number \"temp\"\n"
    "local country = text \"country\"\n"
    "local city = text \"city\"\n"
    "local id = text \"id\"\n"
    "local signup = date \"signup\"\n"
    "local last = date \"last\"\n"
    "local interests = tags \"interests\"\n"
    "local pipes = tags(\"pipes\", \"|\")\n";
static const char prelude_cols[] =
    "age,income,spend,orders,opens,clicks,temp,country,city,id,signup,last,interests,pipes";

/* "age=29,country=US" -> a record in prelude_cols order (others missing). */
static char *prelude_record(const char *kv) {
  size_t nc, nf;
  char **cols = split(prelude_cols, ',', &nc);
  char **vals = cl_calloc(nc, sizeof *vals);
  char **f = split(kv, ',', &nf);
  for (size_t i = 0; i < nf; i++) {
    if (!*f[i]) continue; /* "" is a record with every field missing */
    char *eq = strchr(f[i], '=');
    size_t c = 0;
    if (eq) *eq = '\0';
    while (c < nc && strcmp(cols[c], f[i]) != 0) c++;
    if (!eq || c == nc) { /* a mistake in the test itself */
      fprintf(stderr, "t_dsl: '%s' is not name=value with a prelude column\n", kv);
      exit(2);
    }
    vals[c] = eq + 1;
  }
  buf b = {0};
  for (size_t c = 0; c < nc; c++) buf_printf(&b, "%s%s", c ? "," : "", vals[c] ? vals[c] : "");
  char *r = cl_strdup(buf_cstr(&b));
  buf_free(&b);
  free_strs(f, nf);
  free(vals);
  free_strs(cols, nc);
  return r;
}

/* micro "t" { expr } over the prelude: for each record, want[i] is '1' when
** the segment must hold, '0' when not. One assertion per record. */
static void truth(suite *s, const char *expr, const char *const *recs, const char *want) {
  buf text = {0};
  buf_printf(&text, "%smicro \"t\" { %s }\n", prelude, expr);
  loaded *l = get(s, buf_cstr(&text), prelude_cols);
  buf_free(&text);
  size_t n = 0;
  while (recs[n]) n++;
  if (strlen(want) != n) {
    fprintf(stderr, "t_dsl: %s: %zu records, %zu results\n", expr, n, strlen(want));
    exit(2);
  }
  for (size_t i = 0; i < n; i++) {
    char desc[512];
    snprintf(desc, sizeof desc, "%s on {%s} is %s", expr, recs[i],
             want[i] == '1' ? "true" : "false");
    if (!l->ok) {
      check(s, 0, desc);
      diag("  rules did not load: %s", l->err.msg);
      continue;
    }
    char *rec = prelude_record(recs[i]);
    char *got = eval_line(l, rec);
    int holds = strcmp(got, "t") == 0, agree = holds || !*got; /* else: evaluators differ */
    if (!check(s, agree && holds == (want[i] == '1'), desc))
      diag("  record: '%s'\n  got: %s", rec, agree ? (holds ? "true" : "false") : got);
    free(rec);
    free(got);
  }
}

/* The message of loading rules (text), or "" when they load and bind. */
static char *load_msg(suite *s, const char *text, const char *header, buf *warns) {
  loaded l;
  load(&l, &s->log, text, NULL, header ? header : prelude_cols);
  char *r = cl_strdup(l.ok ? "" : l.err.msg);
  if (warns) buf_puts(warns, buf_cstr(&l.warns));
  unload(&l);
  return r;
}

/* Loading text must fail with "rules.lua:<line>: ..." containing sub. */
static void fails(suite *s, const char *text, int line, const char *sub, const char *desc) {
  char *msg = load_msg(s, text, NULL, NULL);
  char prefix[64];
  snprintf(prefix, sizeof prefix, "rules.lua:%d: ", line);
  int good = strncmp(msg, prefix, strlen(prefix)) == 0 && strstr(msg, sub) != NULL;
  char d[512];
  snprintf(d, sizeof d, "error: %s", desc);
  if (!check(s, good, d))
    diag("  got: '%s'\n  expected: '%s...%s'", msg, prefix, sub);
  free(msg);
}

/* --- the environment's names ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* engine/env_names.c is the one list of a rule file's globals (the plugin
** loader refuses those names): it must be exactly what a rule file sees. */
static void test_env_names(suite *s) {
  static const char text[] =
      "local ks = {}\n"
      "for k in pairs(_ENV) do ks[#ks + 1] = k end\n"
      "table.sort(ks)\n"
      "error('names: ' .. table.concat(ks, ','))\n";
  char *msg = load_msg(s, text, NULL, NULL);
  size_t n = 0;
  while (env_globals[n]) n++;
  const char **v = cl_calloc(n, sizeof *v);
  memcpy(v, env_globals, n * sizeof *v);
  qsort(v, n, sizeof *v, cmp_str);
  buf want = {0};
  buf_puts(&want, "names: ");
  for (size_t i = 0; i < n; i++) buf_printf(&want, "%s%s", i ? "," : "", v[i]);
  const char *got = strstr(msg, "names: ");
  check_str(s, got ? got : msg, buf_cstr(&want),
            "env_names.c lists exactly the globals of a rule file's environment");
  check(s, env_name_reserved("text") && env_name_reserved("micro") &&
               env_name_reserved("print") && !env_name_reserved("dates"),
        "env_name_reserved: text, micro, print yes; dates no");
  char list[64];
  env_names_list(list, sizeof list);
  check(s, strncmp(list, "text, number, date, tags, ", 26) == 0 &&
               list[strlen(list) - 1] != ',' && strlen(list) < sizeof list,
        "env_names_list: the DSL's names first, cut at a name");
  buf_free(&want);
  free(v);
  free(msg);
}

/* --- comparisons ------------------------------------------------------------- */

static void test_numbers(suite *s) {
  const char *const *ages = R("age=29", "age=30", "age=31", "age=");
  truth(s, "age:below(30)", ages, "1000");
  truth(s, "age:at_most(30)", ages, "1100");
  truth(s, "age:above(30)", ages, "0010");
  truth(s, "age:at_least(30)", ages, "0110");
  truth(s, "age:is(30)", ages, "0100");
  truth(s, "age:is_not(30)", ages, "1010");
  truth(s, "age:is(30)", R("age=30.0", "age= 30 ", "age=3e1", "age=+30"), "1111");
  truth(s, "age:between(28, 50)", R("age=27.99", "age=28", "age=50", "age=50.01", "age="),
        "01100");
  /* decimals and negatives, in the rule and in the data */
  truth(s, "temp:below(-2.5)", R("temp=-3", "temp=-2.5", "temp=-2.49", "temp=0"), "1000");
  truth(s, "temp:at_least(0.75)", R("temp=0.75", "temp=0.7499", "temp=.8", "temp=1e0"), "1011");
  truth(s, "temp:between(-10, -0.5)", R("temp=-10", "temp=-10.01", "temp=-0.5", "temp=-0.4"),
        "1010");
  truth(s, "temp:is(-0.125)", R("temp=-0.125", "temp=-0.1250", "temp=0.125"), "110");
  truth(s, "income:at_least(150000)", R("income=150000", "income=149999.99", "income=1.5e5"),
        "101");
  /* one_of / none_of on numbers */
  truth(s, "age:one_of {30, 40, 2.5}",
        R("age=30", "age=40.0", "age=2.5", "age=35", "age="), "11100");
  truth(s, "age:none_of {30, 40}", R("age=30", "age=35", "age="), "010");
  truth(s, "age:one_of {\"30\", \"-1.5\"}", R("age=30", "age=-1.5", "age=1.5"), "110");
  truth(s, "age:one_of {\"1e1\", \" 20 \", \"+3\"}", R("age=10", "age=20", "age=3", "age=4"),
        "1110");
  truth(s, "age:one_of(30)", R("age=30", "age=31"), "10");
  truth(s, "age:none_of \"30\"", R("age=30", "age=31", "age="), "010");
}

static void test_dates(suite *s) {
  const char *const *d = R("signup=2026-02-28", "signup=2026-03-01", "signup=2026-03-02",
                           "signup=");
  truth(s, "signup:before \"2026-03-01\"", d, "1000");
  truth(s, "signup:after \"2026-03-01\"", d, "0010");
  truth(s, "signup:is \"2026-03-01\"", d, "0100");
  truth(s, "signup:is_not \"2026-03-01\"", d, "1010");
  truth(s, "signup:at_most \"2026-03-01\"", d, "1100");
  truth(s, "signup:at_least \"2026-03-01\"", d, "0110");
  truth(s, "signup:between(\"2026-01-01\", \"2026-03-31\")",
        R("signup=2025-12-31", "signup=2026-01-01", "signup=2026-03-31", "signup=2026-04-01",
          "signup="),
        "01100");
  truth(s, "signup:one_of {\"2026-01-01\", \"2024-02-29\"}",
        R("signup=2024-02-29", "signup=2026-01-01", "signup=2026-01-02"), "110");
  /* a date that is not a date (or not ISO) is missing */
  truth(s, "signup:before \"2030-01-01\"",
        R("signup=2026-02-30", "signup=2026-2-3", "signup=01/02/2026", "signup=2026-02-03"),
        "0001");
  truth(s, "signup:before(last)",
        R("signup=2026-01-01,last=2026-01-02", "signup=2026-01-02,last=2026-01-02",
          "signup=2026-01-01", "last=2026-01-02"),
        "1000");
  truth(s, "signup:is(last)",
        R("signup=2026-01-02,last=2026-01-02", "signup=2026-01-01,last=2026-01-02"),
        "10");
  truth(s, "signup:is_missing()", R("signup=2026-02-30", "signup=", "signup=2026-02-03"), "110");
}

static void test_texts(suite *s) {
  const char *const *c = R("country=US", "country=CA", "country=us", "country=USA", "country=");
  truth(s, "country:is \"US\"", c, "10000");
  truth(s, "country:is_not \"US\"", c, "01110");
  truth(s, "country:one_of {\"US\", \"CA\"}", c, "11000");
  truth(s, "country:none_of {\"US\", \"CA\"}", c, "00110");
  truth(s, "country:one_of \"US\"", c, "10000");
  /* more than 8 items: a hashed set rather than a scan */
  const char *big = "{\"GB\", \"IE\", \"DE\", \"FR\", \"ES\", \"IT\", \"NL\", \"BE\", \"SE\", "
                    "\"PL\", \"ZA\", \"AE\"}";
  char e[256];
  snprintf(e, sizeof e, "country:one_of %s", big);
  truth(s, e, R("country=GB", "country=AE", "country=PL", "country=US", "country=G", "country="),
        "111000");
  snprintf(e, sizeof e, "country:none_of %s", big);
  truth(s, e, R("country=GB", "country=AE", "country=US", "country=G", "country="), "00110");
  truth(s, "city:starts_with \"Lon\"",
        R("city=London", "city=Lon", "city=Lo", "city=london", "city=xLondon", "city="), "110000");
  truth(s, "city:starts_with {\"SW\", \"EC1\", \"N\"}",
        R("city=SW1A", "city=EC1V", "city=EC2", "city=N", "city=NW3", "city=E1", "city="),
        "1101100");
}

static void test_tags(suite *s) {
  truth(s, "interests:has \"fashion\"",
        R("interests=fast_fashion;travel", "interests=travel;fashion", "interests=fashion",
          "interests=fashionable", "interests=Fashion", "interests="),
        "011000");
  truth(s, "interests:has_any {\"hiking\", \"camping\"}",
        R("interests=tech;camping", "interests=hiking", "interests=tech;travel", "interests="),
        "1100");
  truth(s, "interests:has_all {\"hiking\", \"camping\"}",
        R("interests=camping;tech;hiking", "interests=hiking", "interests=camping", "interests="),
        "1000");
  truth(s, "pipes:has \"b\"", R("pipes=a|b", "pipes=b", "pipes=a;b", "pipes=ab|c", "pipes="),
        "11000");
  truth(s, "pipes:has_all {\"a\", \"c\"}", R("pipes=c|b|a", "pipes=a|b"), "10");
  /* the same column read with two separators is two views */
  truth(s, "pipes:has \"a;b\"", R("pipes=a;b|c", "pipes=a|b"), "10");
  truth(s, "tags(\"pipes\"):has \"b\"", R("pipes=a;b", "pipes=a|b"), "10");
  /* an empty list: has is false, not has is true */
  truth(s, "NOT(interests:has \"x\")", R("interests=", "interests=x", "interests=y"), "101");
  truth(s, "interests:is_missing()", R("interests=", "interests=a"), "10");
  /* more tags than fit in the 64-bit fast path */
  buf e = {0};
  buf_puts(&e, "interests:has_any {");
  for (int i = 0; i < 70; i++) buf_printf(&e, "%s\"t%d\"", i ? ", " : "", i);
  buf_puts(&e, "}, interests:has_all {\"t1\", \"t69\"}");
  truth(s, buf_cstr(&e), R("interests=t69;t1", "interests=t69", "interests=t1;t2;t68;t69;x",
                           "interests=t1;t70"), "1010");
  buf_free(&e);
}

static void test_arith(suite *s) {
  truth(s, "(spend + orders):is(12)", R("spend=10,orders=2", "spend=10,orders=3", "spend=10"),
        "100");
  truth(s, "(spend - orders):below(0)", R("spend=1,orders=2", "spend=2,orders=2"), "10");
  truth(s, "(spend * 2):at_least(100)", R("spend=50", "spend=49.99", "spend="), "100");
  truth(s, "(2 * spend):is(7)", R("spend=3.5", "spend=3"), "10");
  truth(s, "(10 - spend):is(4)", R("spend=6", "spend=4"), "10");
  truth(s, "(-temp):above(3)", R("temp=-3.5", "temp=-3", "temp=4", "temp="), "1000");
  truth(s, "(-(temp + 1)):is(0)", R("temp=-1", "temp=1"), "10");
  truth(s, "(spend / orders):below(40)",
        R("spend=1200.00,orders=30", "spend=1199.99,orders=30", "spend=10,orders=0",
          "spend=,orders=3", "spend=0,orders=5"),
        "01001");
  /* a field against a field */
  truth(s, "spend:above(orders)", R("spend=3,orders=2", "spend=2,orders=2", "spend=3", "orders=1"),
        "1000");
  truth(s, "(spend + 0):at_most(orders * 1)", R("spend=2,orders=2", "spend=3,orders=2"), "10");
  truth(s, "country:is(city)", R("country=GB,city=GB", "country=GB,city=GBR", "country=GB"), "100");
  truth(s, "country:is_not(city)", R("country=GB,city=GB", "country=GB,city=GBR", "country=GB"),
        "010");
  truth(s, "(spend / orders):is(40)", R("spend=1200.00,orders=30", "spend=80,orders=2"), "11");
  truth(s, "(clicks / opens):at_least(0.2)",
        R("clicks=2,opens=10", "clicks=1,opens=10", "clicks=3,opens=0", "clicks=0,opens=0",
          "clicks=,opens=10"),
        "10000");
  truth(s, "(clicks / opens):is_missing()", R("clicks=3,opens=0", "clicks=3,opens=1"), "10");
  truth(s, "NOT((clicks / opens):at_least(0.2))", R("clicks=3,opens=0"), "1");
  /* junk in a number field is missing */
  truth(s, "age:below(100)", R("age=12abc", "age=1.2.3", "age=0x10", "age=-", "age=12"),
        "00001");
  truth(s, "age:is_missing()", R("age=12abc", "age=12"), "10");
}

/* Values present but not parseable are counted in eval_ctx.invalid. */
static void test_invalid_count(suite *s) {
  loaded *l = get(s, "local a = number \"a\"\nlocal b = number \"b\"\nlocal d = date \"d\"\n"
                     "micro \"t\" { any{ a:below(1), b:below(1), d:before \"2026-01-01\" } }\n",
                  "a,b,d");
  if (!check(s, l->ok, "invalid count: rules load")) {
    diag("  %s", l->err.msg);
    return;
  }
  uint64_t before = l->c.invalid;
  char *r = eval_line(l, "12abc,5,2026-13-01");
  is_str(r, "", "invalid count: record with two bad values matches nothing");
  free(r);
  is_int(l->c.invalid - before, 2, "invalid count: '12abc' and '2026-13-01' count, '5' does not");
  r = eval_line(l, ",,");
  is_int(l->c.invalid - before, 2, "invalid count: empty fields are missing, not invalid");
  free(r);
}

/* --- missing values ------------------------------------------------------------ */

static void test_missing(suite *s) {
  const char *const *m = R("");
  static const char *const all_false[] = {
      "age:below(30)", "age:at_most(30)", "age:above(30)", "age:at_least(30)",
      "age:is(30)", "age:is_not(30)", "age:between(0, 200)", "age:one_of {1, 2}",
      "age:none_of {1, 2}", "country:is \"US\"", "country:is_not \"US\"",
      "country:one_of {\"US\"}", "country:none_of {\"US\"}", "city:starts_with \"L\"",
      "signup:before \"2030-01-01\"", "signup:after \"1970-01-01\"",
      "signup:between(\"1970-01-01\", \"2100-01-01\")", "signup:is_not \"2026-01-01\"",
      "interests:has \"x\"", "interests:has_any {\"x\", \"y\"}", "interests:has_all {\"x\"}",
      "(age + 1):above(-1000)", "(age / 1):is_not(5)", "age:is_present()", "is_present(country)",
      NULL};
  for (size_t i = 0; all_false[i]; i++) truth(s, all_false[i], m, "0");
  truth(s, "NOT(country:is \"a\")", m, "1");
  truth(s, "NOT(country:is \"a\")", R("country=a", "country=b"), "01");
  truth(s, "NOT(age:below(30))", m, "1");
  truth(s, "none{ country:is \"a\" }", m, "1");
  truth(s, "is_missing(age)", R("age=", "age=0"), "10");
  truth(s, "age:is_missing()", R("age=", "age=0"), "10");
  truth(s, "is_present(age)", R("age=", "age=0"), "01");
  truth(s, "age:is_present()", R("age=", "age=0"), "01");
  truth(s, "country:is_missing()", R("country=", "country= "), "10");
  truth(s, "any{ is_missing(signup), signup:before \"2025-01-01\" }",
        R("signup=", "signup=2024-12-31", "signup=2025-01-01"), "110");
}

/* --- combining conditions ------------------------------------------------------ */

static void test_logic(suite *s) {
  /* a = age < 30, b = country US, c = interests has x */
  const char *const *r = R("age=20,country=US,interests=x", "age=20,country=US",
                           "age=20", "", "age=40,country=US,interests=x",
                           "country=US,interests=x", "age=20,interests=x", "interests=x");
  const char *a = "age:below(30)", *b = "country:is \"US\"", *c = "interests:has \"x\"";
  char e[512];
  snprintf(e, sizeof e, "all{ %s, %s }", a, b);
  truth(s, e, r, "11000000");
  snprintf(e, sizeof e, "all(%s, %s, %s)", a, b, c);
  truth(s, e, r, "10000000");
  snprintf(e, sizeof e, "any{ %s, %s }", a, b);
  truth(s, e, r, "11101110");
  snprintf(e, sizeof e, "none{ %s, %s }", a, b);
  truth(s, e, r, "00010001");
  snprintf(e, sizeof e, "NOT(%s)", a);
  truth(s, e, r, "00011101");
  snprintf(e, sizeof e, "NOT{ %s, %s }", a, b);
  truth(s, e, r, "00111111");
  snprintf(e, sizeof e, "{ %s, %s }, %s", a, b, c); /* a nested table means all */
  truth(s, e, r, "10000000");
  snprintf(e, sizeof e, "any{ { %s, %s }, %s }", a, b, c);
  truth(s, e, r, "11001111");
  snprintf(e, sizeof e, "%s & %s", a, c);
  truth(s, e, r, "10000010");
  snprintf(e, sizeof e, "%s | %s", b, c);
  truth(s, e, r, "11001111");
  snprintf(e, sizeof e, "~%s", c);
  truth(s, e, r, "01110000");
  snprintf(e, sizeof e, "~(%s | %s) & %s", b, c, a);
  truth(s, e, r, "00100000");
  snprintf(e, sizeof e, "{ %s, %s } | %s", a, b, c);
  truth(s, e, r, "11001111");
  truth(s, "all{}", R("", "age=3"), "11");
  /* at_least(2, ...) with exactly 0, 1, 2, 3 holding */
  snprintf(e, sizeof e, "at_least(2, { %s, %s, %s })", a, b, c);
  truth(s, e, R("", "age=20", "age=20,country=US", "age=20,country=US,interests=x",
                "country=US,interests=x", "interests=x"),
        "001110");
  snprintf(e, sizeof e, "at_least(3, { %s, %s, %s })", a, b, c);
  truth(s, e, R("age=20,country=US", "age=20,country=US,interests=x"), "01");
  snprintf(e, sizeof e, "at_least(1, { %s, %s })", a, b);
  truth(s, e, R("", "country=US"), "01");
  /* score: p worth 2, q worth 1 */
  snprintf(e, sizeof e, "score{ {%s, 2}, {%s, 1} }:at_least(3)", a, b);
  truth(s, e, R("age=20,country=US", "age=20", "country=US", ""), "1000");
  snprintf(e, sizeof e, "score{ {%s, 2}, {%s, 1}, {%s, 0.5} }:is(1.5)", a, b, c);
  truth(s, e, R("country=US,interests=x", "age=20", "interests=x"), "100");
}

/* --- macro splits and micro segments -------------------------------------------- */

static const char stage_rules[] =
    "local age = number \"age\"\n"
    "local country = text \"country\"\n"
    "local stage = macro \"stage\" {\n"
    "  { \"young\", age:below(30) },\n"
    "  { \"us_adult\", country:is \"US\", age:below(60) },\n"
    "  { \"adult\", age:below(60) },\n"
    "  otherwise = \"senior\",\n"
    "}\n"
    "local market = macro \"market\" {\n"
    "  { \"na\", country:is \"US\" },\n"
    "  { \"eu\", country:one_of {\"DE\", \"FR\"} },\n"
    "  { \"na\", country:is \"CA\" },\n"
    "  otherwise = \"other\",\n"
    "}\n"
    "micro \"z_first\" { stage:is \"young\" }\n"
    "micro \"na\" { market:is \"na\" }\n"
    "micro \"not_na\" { market:is_not \"na\" }\n"
    "micro \"old\" { stage:one_of {\"adult\", \"us_adult\", \"senior\"} }\n"
    "micro \"not_old\" { stage:none_of {\"adult\", \"us_adult\", \"senior\"} }\n"
    "micro \"eu_young\" { within = market:is \"eu\", age:below(30) }\n"
    "micro \"eu_any\" { within = market:is \"eu\" }\n"
    "local m = micro \"ca_adult\" { country:is \"CA\", age:at_least(30) }\n"
    "micro \"ca_adult_60\" { m, age:at_least(60) }\n"
    "micro \"a_last\" { age:is(99) }\n";

static void test_segments(suite *s) {
  const char *h = "age,country";
  s->topic = "macro: first case that holds wins";
  seg_is(s, stage_rules, h, "20,US", "young,na,z_first;na;not_old");
  seg_is(s, stage_rules, h, "29.9,XX", "young,other,z_first;not_na;not_old");
  s->topic = "macro: several conditions must all hold";
  seg_is(s, stage_rules, h, "45,US", "us_adult,na,na;old");
  seg_is(s, stage_rules, h, "45,GB", "adult,other,not_na;old");
  seg_is(s, stage_rules, h, "60,US", "senior,na,na;old");
  s->topic = "macro: otherwise when no case holds (missing age too)";
  seg_is(s, stage_rules, h, "70,", "senior,other,not_na;old");
  seg_is(s, stage_rules, h, ",", "senior,other,not_na;old");
  s->topic = "macro: a value in two cases";
  seg_is(s, stage_rules, h, "30,CA", "adult,na,na;old;ca_adult");
  s->topic = "micro: within a macro value";
  seg_is(s, stage_rules, h, "20,DE", "young,eu,z_first;not_na;not_old;eu_young;eu_any");
  seg_is(s, stage_rules, h, "40,FR", "adult,eu,not_na;old;eu_any");
  s->topic = "micro: a micro used as a condition";
  seg_is(s, stage_rules, h, "61,CA", "senior,na,na;old;ca_adult;ca_adult_60");
  s->topic = "micro: declaration order";
  seg_is(s, stage_rules, h, "99,CA", "senior,na,na;old;ca_adult;ca_adult_60;a_last");
  seg_is(s, stage_rules, h, "10,CA", "young,na,z_first;na;not_old");

  loaded *l = get(s, stage_rules, h);
  if (l->ok) {
    is_int(l->g.nmacros, 2, "two macro splits");
    is_int(l->g.macros[0].nvalues, 4, "stage has 4 values");
    is_int(l->g.macros[1].nvalues, 3, "market has 3 values (na counted once)");
    is_int(l->g.macros[1].ncases, 3, "market has 3 cases");
    is_int(l->g.macros[0].line, 3, "stage's line is its declaration");
    is_int(l->g.micros[0].line, 15, "first micro's line");
    is_str(l->g.micros[l->g.nmicros - 1].name, "a_last", "last micro declared is last");
    cleave_str cols[2] = {{"20", 2}, {"FR", 2}};
    eval_begin(&l->c, cols);
    is_int(eval_macro_case(&l->c, 0), 0, "eval_macro_case: case 0 won for age 20");
    is_int(eval_macro_case(&l->c, 1), 1, "eval_macro_case: case 1 won for FR");
    cols[0] = (cleave_str){"70", 2};
    cols[1] = (cleave_str){"XX", 2};
    eval_begin(&l->c, cols);
    is_int(eval_macro_case(&l->c, 0), -1, "eval_macro_case: -1 for otherwise");
    is_int(eval_macro(&l->c, 0), 3, "eval_macro: senior is value 3");
  } else {
    ok(0, "stage rules load");
    diag("%s", l->err.msg);
  }

  /* no macro: the line is the segments alone; an `otherwise` also used by a case */
  const char *only = "local age = number \"age\"\n"
                     "micro \"b\" { age:above(10) }\nmicro \"a\" { age:above(20) }\n";
  s->topic = "micro only";
  seg_is(s, only, "age", "25", "b;a");
  seg_is(s, only, "age", "15", "b");
  seg_is(s, only, "age", "5", "");
  const char *same = "local age = number \"age\"\n"
                     "local m = macro \"m\" { { \"x\", age:below(10) }, otherwise = \"x\" }\n"
                     "micro \"t\" { m:is \"x\" }\n";
  s->topic = "macro: otherwise equal to a case's value";
  seg_is(s, same, "age", "5", "x,t");
  seg_is(s, same, "age", "50", "x,t");
}

/* --- holdout buckets ---------------------------------------------------------- */

static void test_bucket(suite *s) {
  const char *rules = "local id = text \"id\"\n"
                      "local b1 = bucket(id, \"s1\")\n"
                      "local b2 = bucket(id, \"s2\")\n"
                      "local b0 = bucket(id)\n"
                      "micro \"hold\" { b1:below(1000) }\n";
  loaded *l = get(s, rules, "id");
  if (!check(s, l->ok, "bucket: rules load")) {
    diag("  %s", l->err.msg);
    return;
  }
  uint32_t ids[3], n = 0;
  for (uint32_t i = 0; i < l->g.nnodes && n < 3; i++)
    if (l->g.nodes[i].kind == N_BUCKET) ids[n++] = i;
  is_int(n, 3, "bucket: three bucket nodes");
  if (n != 3) return;
  int counts[10] = {0};
  int in_range = 1, differ = 0, stable = 1, hold_agrees = 1, differ0 = 0;
  for (int k = 0; k < 10000; k++) {
    char rec[32];
    snprintf(rec, sizeof rec, "C%06d", k);
    cleave_str col = {rec, strlen(rec)};
    cleave_value v1, v2, v0, again;
    eval_begin(&l->c, &col);
    eval_value(&l->c, ids[0], &v1);
    eval_value(&l->c, ids[1], &v2);
    eval_value(&l->c, ids[2], &v0);
    int hold = eval_pred(&l->c, l->g.micros[0].pred);
    eval_begin(&l->c, &col); /* a new record with the same id */
    eval_value(&l->c, ids[0], &again);
    if (v1.missing || v1.u.number < 0 || v1.u.number > 9999 || v1.u.number != floor(v1.u.number))
      in_range = 0;
    if (!v1.missing && v1.u.number >= 0 && v1.u.number <= 9999) counts[(int)v1.u.number / 1000]++;
    if (again.u.number != v1.u.number) stable = 0;
    if (hold != (v1.u.number < 1000)) hold_agrees = 0;
    differ += v1.u.number != v2.u.number;
    differ0 += v1.u.number != v0.u.number;
  }
  ok(in_range, "bucket: whole numbers in 0..9999 for 10000 ids");
  ok(stable, "bucket: the same id gives the same bucket");
  ok(hold_agrees, "bucket: b1:below(1000) agrees with the value");
  int uniform = 1;
  for (int t = 0; t < 10; t++) uniform &= counts[t] >= 800 && counts[t] <= 1200;
  if (!ok(uniform, "bucket: each tenth holds 800..1200 of 10000 ids"))
    for (int t = 0; t < 10; t++) diag("  tenth %d: %d", t, counts[t]);
  ok(differ > 9800, "bucket: another salt gives other buckets (%d of 10000 differ)", differ);
  ok(differ0 > 9800, "bucket: no salt differs from salt s1 (%d of 10000 differ)", differ0);
  cleave_str empty = {"", 0};
  cleave_value v;
  eval_begin(&l->c, &empty);
  eval_value(&l->c, ids[0], &v);
  ok(v.missing, "bucket: a missing id has a missing bucket");
  ok(!eval_pred(&l->c, l->g.micros[0].pred), "bucket: ... so b1:below(1000) is false");
  /* the same across loads (a stable hash, not an address or a seed) */
  forget(s);
  l = get(s, rules, "id");
  cleave_str col = {"C000042", 7};
  eval_begin(&l->c, &col);
  cleave_value w;
  eval_value(&l->c, ids[0], &w);
  char rec[32];
  snprintf(rec, sizeof rec, "%.0f", w.u.number);
  forget(s);
  l = get(s, rules, "id");
  eval_begin(&l->c, &col);
  eval_value(&l->c, ids[0], &v);
  ok(!v.missing && v.u.number == w.u.number, "bucket: deterministic across loads (%s)", rec);
}

/* --- lists from files ----------------------------------------------------------- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

static void test_lists(suite *s) {
  char path[128], rules[160];
  snprintf(path, sizeof path, "%s/lists", s->tmp);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/lists/zones.txt", s->tmp);
  write_file(path, "# London areas\n  SW \n\nEC\r\n\t# indented comment\n\tN1\t\n\n");
  snprintf(rules, sizeof rules, "%s/rules.lua", s->tmp);
  write_file(rules, "local city = text \"city\"\n"
                    "local zones = list \"lists/zones.txt\"\n"
                    "micro \"in_list\" { city:one_of(zones) }\n"
                    "micro \"prefix\" { city:starts_with(zones) }\n"
                    "micro \"n\" { city:is(zones[3]) }\n"
                    "micro \"count\" { city:is(tostring(#zones)) }\n");
  loaded l;
  load(&l, &s->log, NULL, rules, "city");
  if (!ok(l.ok, "list: rules from a file load")) diag("  %s", l.err.msg);
  if (l.ok) {
    static const char *const recs[][2] = {
        {"SW", "in_list;prefix"}, {"EC", "in_list;prefix"}, {"N1", "in_list;prefix;n"},
        {"SW1A", "prefix"},       {"EC2V", "prefix"},       {"N", ""},
        {" SW ", ""},             {"# London areas", ""},   {"3", "count"},
        {"", ""}};
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
      char *got = eval_line(&l, recs[i][0]);
      is_str(got, recs[i][1], "list: trimmed items, comments and blank lines skipped: [%s]",
             recs[i][0]);
      free(got);
    }
  }
  unload(&l);
  /* refused paths and an unreadable file; the line is the list call's */
  static const char *const bad[][2] = {
      {"../x", "no absolute paths, no .."}, {"/etc/passwd", "no absolute paths, no .."},
      {"lists/../lists/zones.txt", "no .."}, {"lists/none.txt", "cannot read"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[256];
    snprintf(text, sizeof text,
             "local city = text \"city\"\n\nmicro \"x\" { city:one_of(list \"%s\") }\n", bad[i][0]);
    write_file(rules, text);
    load(&l, &s->log, NULL, rules, "city");
    char prefix[64];
    snprintf(prefix, sizeof prefix, "rules.lua:3: in micro segment 'x': list \"%s\"", bad[i][0]);
    int good = !l.ok && strncmp(l.err.msg, prefix, strlen(prefix)) == 0 &&
               strstr(l.err.msg, bad[i][1]);
    if (!ok(good, "list: \"%s\" refused at its line", bad[i][0]))
      diag("  got: '%s'\n  expected: '%s...%s'", l.err.msg, prefix, bad[i][1]);
    unload(&l);
  }
  snprintf(path, sizeof path, "%s/lists/empty.txt", s->tmp);
  write_file(path, "# nothing\n\n   \n");
  write_file(rules, "local city = text \"city\"\n"
                    "micro \"x\" { city:one_of(list \"lists/empty.txt\") }\n");
  load(&l, &s->log, NULL, rules, "city");
  like(l.ok ? "" : l.err.msg,
       "rules.lua:2: in micro segment 'x': list \"lists/empty.txt\" is empty",
       "list: a list with no items is an error");
  unload(&l);
  unlink(path);
  snprintf(path, sizeof path, "%s/lists/zones.txt", s->tmp);
  unlink(path);
  snprintf(path, sizeof path, "%s/lists", s->tmp);
  rmdir(path);
  unlink(rules);
}

/* --- load-time errors ----------------------------------------------------------- */

static void test_errors(suite *s) {
  const char *d = "local age = number \"age\"\nlocal country = text \"country\"\n"
                  "local signup = date \"signup\"\n";
  char t[2048];
#define F(body, line, sub, desc) \
  (snprintf(t, sizeof t, "%s%s", d, body), fails(s, t, line, sub, desc))
  F("micro \"x\" { age:belw(3) }\n", 4,
    "in micro segment 'x': a number ('age') has no method 'belw'",
    "unknown method");
  F("micro \"x\" {\n  age:below(3),\n  age:belw(3),\n}\n", 6, "has no method 'belw'",
    "unknown method: the line of the call inside a micro");
  F("micro \"x\" { country:below(3) }\n", 4,
    "below() works on numbers and dates; a text ('country') is not one", "below on a text");
  F("micro \"x\" { age:has \"x\" }\n", 4, "has() works on tag lists", "has on a number");
  F("micro \"x\" { country:before \"2026-01-01\" }\n", 4, "before() works on dates",
    "before on a text");
  F("micro \"x\" { age:starts_with \"1\" }\n", 4, "starts_with() works on texts",
    "starts_with on a number");
  F("micro \"x\" { age == 3 }\n", 4, "use :is()", "== gives a Lua boolean");
  F("micro \"x\" { age == country }\n", 4, "== cannot compare conditions or fields; use :is(value)",
    "== between two fields");
  F("micro \"x\" { not age:is(3) }\n", 4, "false (a Lua boolean", "Lua not gives a boolean");
  F("micro \"x\" { age:is(3) }\nif age < 3 then end\n", 5, ":below(x), :at_most(x)",
    "< on a field");
  F("micro \"x\" { age:is(3) }\nif 3 <= age then end\n", 5, "use :below(x), :at_most(x)",
    "<= on a field (field on the right)");
  F("micro \"x\" { age:is(3) }\nlocal z = age .. \"x\"\n", 5, "cannot join", ".. on a field");
  F("micro \"x\" { age:is(3) }\nage.foo = 1\n", 5, "cannot be changed", "assigning to a field");
  F("\nlocal m = macro \"m\" {\n  { \"a\", age:below(3) },\n}\n", 5,
    "in macro split 'm': no otherwise", "macro without otherwise");
  F("local m = macro \"m\" { { \"x\" }, otherwise = \"y\" }\n", 4,
    "case 1 must be {\"value\", condition", "macro case without a condition");
  F("local m = macro \"m\" { { \"x\", age:below(3) }, { 3, age:below(4) }, otherwise = \"y\" }\n",
    4, "a case's value needs a name in quotes", "macro case value not a text");
  F("local m = macro \"m\" { { \"a\", age:below(3) }, default = \"x\" }\n", 4,
    "unknown entry 'default' in a macro split (cases are {\"value\", condition}) "
    "(did you mean 'otherwise'?)",
    "unknown key in a macro suggests otherwise");
  F("local m = macro \"m\" { { \"a\", age:below(3) }, default = \"x\" }\n", 4,
    "unknown entry 'default' in a macro split", "unknown key in a macro");
  F("local m = macro \"m\" { { \"a\", age:below(3) }, otherwse = \"x\" }\n", 4,
    "unknown entry 'otherwse' in a macro split (cases are {\"value\", condition}) "
    "(did you mean 'otherwise'?)",
    "misspelt otherwise suggests otherwise");
  F("local m = macro \"m\" { { \"a\", age:below(3) }, [\"else\"] = \"x\" }\n", 4,
    "unknown entry 'else' in a macro split (cases are {\"value\", condition}) "
    "(did you mean 'otherwise'?)",
    "else = in a macro suggests otherwise");
  F("micro \"x\" { scope = age:above(1), age:below(3) }\n", 4,
    "in micro segment 'x': unknown entry 'scope' in a micro segment (did you mean 'within'?)",
    "scope = in a micro suggests within");
  F("micro \"x\" { where = age:above(1), age:below(3) }\n", 4,
    "unknown entry 'where' in a micro segment (did you mean 'within'?)",
    "where = in a micro suggests within");
  F("micro \"x\" { withn = age:above(1), age:below(3) }\n", 4,
    "unknown entry 'withn' in a micro segment (did you mean 'within'?)",
    "misspelt within suggests within");
  F("local market = macro \"market\" { { \"apac\", country:is \"JP\" }, otherwise = \"other\" }\n"
    "micro \"x\" { market:is \"apack\" }\n",
    5, "in micro segment 'x': macro split 'market' has no value 'apack' (did you mean 'apac'?)",
    "unknown macro value");
  F("local market = macro \"market\" { { \"apac\", country:is \"JP\" }, otherwise = \"other\" }\n"
    "micro \"x\" { market:one_of {\"apac\", \"emea\"} }\n",
    5, "has no value 'emea'", "unknown macro value in one_of");
  F("local market = macro \"market\" { { \"apac\", country:is \"JP\" }, otherwise = \"other\" }\n"
    "micro \"x\" { market:below(3) }\n",
    5, "below() works on numbers and dates; macro split 'market' is not one",
    "ordering a macro split");
  F("micro \"x\" { age:below(3) }\n\nmicro \"x\" { age:above(3) }\n", 6,
    "the name 'x' is already used by the micro segment at line 4", "duplicate micro names");
  F("local m = macro \"x\" { { \"a\", age:below(3) }, otherwise = \"b\" }\n"
    "micro \"x\" { age:above(3) }\n",
    5, "the name 'x' is already used by the macro split at line 4", "micro named like a macro");
  F("micro \"my seg\" { age:below(3) }\n", 4,
    "micro name \"my seg\" may hold only letters, digits, _ - and . (no spaces)",
    "a name with a space");
  F("local m = macro \"a/b\" { { \"a\", age:below(3) }, otherwise = \"b\" }\n", 4,
    "macro name \"a/b\" may hold only", "a macro name with a slash");
  F("local m = macro \"m\" { { \"a b\", age:below(3) }, otherwise = \"b\" }\n", 4,
    "a case's value name \"a b\" may hold only", "a macro value with a space");
  F("micro \"\" { age:below(3) }\n", 4, "micro name \"\" may hold only", "an empty name");
  F("micro \"x\" {}\n", 4, "in micro segment 'x': no conditions", "empty micro");
  F("micro \"x\" { at_least(5, { age:below(3), age:above(9) }) }\n", 4,
    "at_least(5, ...) of 2 conditions: the count must be from 1 to 2", "at_least above n");
  F("micro \"x\" { at_least(0, { age:below(3), age:above(9) }) }\n", 4,
    "the count must be from 1 to 2", "at_least(0, ...)");
  F("micro \"x\" { age:between(5, 1) }\n", 4, "between(): the low bound is above the high bound",
    "between(5, 1)");
  F("micro \"x\" { signup:between(\"2026-03-01\", \"2026-01-01\") }\n", 4,
    "the low bound is above the high bound", "date between reversed");
  F("micro \"x\" { signup:before \"2026-02-30\" }\n", 4,
    "\"2026-02-30\" is not a date; write dates as \"YYYY-MM-DD\"", "an impossible date");
  F("micro \"x\" { signup:is \"1 May 2026\" }\n", 4, "is not a date", "a date in words");
  F("micro \"x\" { signup:between(\"2026-01-01\", \"soon\") }\n", 4,
    "bounds of a date range are dates like", "a date range with a word");
  F("micro \"x\" { signup:one_of {\"2026-01-01\", \"tomorrow\"} }\n", 4,
    "in micro segment 'x': one_of(): item 2 (the text \"tomorrow\") is not a date like "
    "\"2026-01-31\"",
    "one_of with a non-date");
  F("micro \"x\" { signup:none_of {\"2026-02-30\"} }\n", 4,
    "none_of(): item 1 (the text \"2026-02-30\") is not a date like \"2026-01-31\"",
    "none_of with an impossible date");
  F("micro \"x\" { signup:one_of {\"2026-01-01\", 5} }\n", 4,
    "one_of(): item 2 (the number 5) is not a date like \"2026-01-31\"",
    "one_of with a number on a date");
  F("micro \"x\" { age:one_of {1, \"ten\"} }\n", 4,
    "in micro segment 'x': one_of(): item 2 (the text \"ten\") is not a number",
    "one_of with a non-number");
  F("micro \"x\" { age:is \"3\" }\n", 4, "is(): the value must be a number, not the text \"3\"",
    "is with a text on a number");
  F("micro \"x\" { within = age, age:below(3) }\n", 4,
    "in micro segment 'x': within must be a condition, but is a number ('age')",
    "within = a field");
  F("micro \"x\" { within = nil_thing, age:below(3) }\n", 4,
    "in micro segment 'x': 'nil_thing' is not defined (declare fields with number/text/date/tags)",
    "within = an undefined name");
  F("local young = age:below(30)\nmicro \"x\" { within = yuong, age:above(3) }\n", 5,
    "in micro segment 'x': 'yuong' is not defined (did you mean 'young'?)",
    "within = a misspelt name");
  F("local m = macro \"m\" { { \"a\", age:below(3) }, otherwise = \"b\" }\n"
    "micro \"x\" { within = m:is \"c\" }\n",
    5, "in micro segment 'x': macro split 'm' has no value 'c'", "within = unknown value");
  F("micro \"x\" { age:below(3), name = 1 }\n", 4,
    "in micro segment 'x': unknown entry 'name' in a micro segment", "unknown key in a micro");
  F("micro \"x\" { age:below(3), agee }\n", 4,
    "in micro segment 'x': 'agee' is not defined (did you mean 'age'?)",
    "a misspelt local in a micro");
  F("micro \"x\" { agee, age:below(3) }\n", 4,
    "in micro segment 'x': 'agee' is not defined (did you mean 'age'?)",
    "a misspelt local first in a micro");
  F("micro \"x\" {\n  age:below(3),\n  contry:is \"US\",\n}\n", 6,
    "in micro segment 'x': 'contry' is not defined (did you mean 'country'?)",
    "a misspelt field: its own line, a suggestion");
  F("micro \"x\" { Age:below(3) }\n", 4, "'Age' is not defined (did you mean 'age'?)",
    "a name in the wrong case");
  F("mciro \"x\" { age:below(3) }\n", 4, "'mciro' is not defined (did you mean 'micro'?)",
    "a misspelt rule-language name");
  F("local income = numbr \"income\"\nmicro \"x\" { age:below(3) }\n", 4,
    "rules.lua:4: 'numbr' is not defined (did you mean 'number'?)",
    "a misspelt declaration, outside any micro");
  F("local x = some_setting or 3\nmicro \"x\" { age:below(x) }\n", 4,
    "rules.lua:4: 'some_setting' is not defined (declare fields with number/text/date/tags)",
    "an undefined global is an error, not nil");
  F("micro \"x\" { age:below(3), xpcall }\n", 4, "'xpcall' is not defined",
    "xpcall is not there");
  F("micro \"x\" { age }\n", 4, "must be a condition, but is a number ('age')",
    "a field as a condition");
  F("micro \"x\" { any{} }\n", 4, "an empty any{} can never hold", "empty any");
  F("micro \"x\" { NOT(age:below(3), age:above(4)) }\n", 4, "NOT() takes one condition",
    "NOT with two conditions");
  F("micro \"x\" { (age + country):below(3) }\n", 4, "+ works on numbers; a text ('country')",
    "+ on a text");
  F("micro \"x\" { country:one_of {} }\n", 4, "one_of(): the list is empty", "one_of {}");
  F("micro \"x\" { score{ {age:below(3), \"2\"} }:above(1) }\n", 4,
    "the points must be a number", "score with text points");
  F("local b = bucket(age)\nmicro \"x\" { b:below(3) }\n", 4, "bucket() needs a text field",
    "bucket on a number");
  F("micro \"x\" { tags(\"t\", \"||\"):has \"a\" }\n", 4, "the separator must be one character",
    "a two-character separator");
  F("micro \"x\" { age:below(3) }\nerror(\"stop here\")\n", 5, "stop here",
    "error() keeps its line");
  F("micro \"x\" { age:below(3) }\nlocal y = (\n", 6, "unexpected symbol",
    "a syntax error at its line");
  s->todo = "the scope set by a body-less `micro \"a\"` stays until the next definition (or the "
            "end of the file) finds it unfinished, so an error in between still says "
            "\"in micro segment 'a':\"";
  F("local m = micro \"a\"\nlocal y = age:belw(3)\nmicro \"b\" { age:below(3) }\n", 5,
    "rules.lua:5: a number ('age') has no method 'belw'",
    "an error after a body-less micro call names no micro");
  F("local m = micro \"a\"\nlocal y = age:belw(3)\nmicro \"b\" { age:below(3) }\n", 5,
    "has no method 'belw'", "an error after a body-less micro call (line only)");
  F("micro \"a\"\nmicro \"b\" { age:below(3) }\n", 4,
    "rules.lua:4: micro segment 'a' has no { ... } with its conditions",
    "a micro without conditions after its name");
  F("micro \"a\"\nlocal m = macro \"m\" { { \"x\", age:below(3) }, otherwise = \"y\" }\n", 4,
    "rules.lua:4: micro segment 'a' has no { ... } with its conditions",
    "a body-less micro before a macro");
  F("local m = macro \"m\"\nmicro \"b\" { age:below(3) }\n", 4,
    "rules.lua:4: macro split 'm' has no { ... } with its conditions",
    "a body-less macro before a micro");
  F("micro \"b\" { age:below(3) }\nmicro \"a\"\n", 5,
    "rules.lua:5: micro segment 'a' has no { ... } with its conditions",
    "a body-less micro at the end of the file");
  F("micro \"b\" { age:below(3) }\n\nlocal m = macro \"m\"\nlocal z = 1\n", 6,
    "rules.lua:6: macro split 'm' has no { ... } with its conditions",
    "a body-less macro near the end of the file");
  F("local f = micro \"a\"\nf { age:below(3) }\nf { age:above(9) }\n", 6, "'a'",
    "one micro body given twice");
  F("micro \"x\" { age:one_of {\"0x10\"} }\n", 4,
    "one_of(): item 1 (the text \"0x10\") is not a number", "one_of with a hex text on a number");
  F("micro \"x\" { age:one_of {1, \"inf\"} }\n", 4,
    "one_of(): item 2 (the text \"inf\") is not a number", "one_of with \"inf\" on a number");
  F("micro \"x\" { age:none_of {\"nan\"} }\n", 4,
    "none_of(): item 1 (the text \"nan\") is not a number", "none_of with \"nan\" on a number");
  F("micro \"x\" { age:one_of {\"12abc\"} }\n", 4,
    "one_of(): item 1 (the text \"12abc\") is not a number", "one_of with trailing letters");
  F("micro \"x\" { age:one_of {\"\"} }\n", 4, "one_of(): item 1 (the text \"\") is not a number",
    "one_of with an empty text on a number");
  F("micro \"x\" { age:one_of {} }\n", 4, "one_of(): the list is empty",
    "one_of {} on a number");
#undef F
  /* a rule file with no segments at all */
  char *msg = load_msg(s, "local age = number \"age\"\n", "age", NULL);
  like(msg, "rules.lua: defines no macro split and no micro segment",
       "error: a rule file with no macro and no micro");
  free(msg);
  msg = load_msg(s, "", "age", NULL);
  like(msg, "defines no macro split and no micro segment", "error: an empty rule file");
  free(msg);
}

static void test_warnings(suite *s) {
  buf w = {0};
  char *msg = load_msg(s,
                       "local age = number \"age\"\n"
                       "local income = number \"income\"\n"
                       "micro \"x\" {\n"
                       "  age:below(3) and\n"
                       "  income:above(5),\n"
                       "  income:below(9) or\n"
                       "  age:above(1),\n" /* never evaluated: nothing to warn about */
                       "}\n",
                       "age,income", &w);
  is_str(msg, "", "warning: rules with Lua and/or still load");
  is_str(buf_cstr(&w),
         "rules.lua:4: this condition is not used by any segment (to combine conditions use "
         "all{...}, any{...}, & or |, not Lua's and/or)",
         "warning: the unused left side of `and` at its line (4), once");
  free(msg);
  buf_free(&w);
  w = (buf){0};
  msg = load_msg(s,
                 "local age = number \"age\"\n"
                 "local young = age:below(30)\n"
                 "local spare = age:above(99)\n"
                 "micro \"x\" { young, NOT(young) | young }\n",
                 "age", &w);
  like(buf_cstr(&w), "rules.lua:3: this condition is not used",
       "warning: a local condition no segment uses");
  ok(strstr(buf_cstr(&w), "rules.lua:2:") == NULL, "warning: none for a used local");
  free(msg);
  buf_free(&w);
}

static void test_bind(suite *s) {
  const char *rules = "local age = number \"agee\"\n"
                      "local income = number \"income\"\n"
                      "local c = text \"countyr\"\n"
                      "local z = text \"zzzzzz\"\n"
                      "micro \"x\" { age:below(3), income:above(1), c:is \"US\", z:is \"q\" }\n";
  char *msg = load_msg(s, rules, "age,income,country", NULL);
  is_str(msg,
         "rules.lua:1: column 'agee' is not in the header of test.csv (did you mean 'age'?)\n"
         "rules.lua:3: column 'countyr' is not in the header of test.csv (did you mean "
         "'country'?)\n"
         "rules.lua:4: column 'zzzzzz' is not in the header of test.csv",
         "bind: every unknown column, at its declaration line, with a suggestion");
  free(msg);
  loaded l;
  load(&l, &s->log, "local a = number \"age\"\nmicro \"x\" { a:below(3) }\n", NULL, "id,x,age");
  ok(l.ok && l.g.slots[0].col == 2, "bind: a column found at its header position");
  if (l.ok) {
    char *r = eval_line(&l, "q,1,2");
    is_str(r, "x", "bind: values read from the bound column");
    free(r);
  }
  unload(&l);
  /* the same column as two types is two slots on one column */
  load(&l, &s->log,
       "local a = number \"code\"\nlocal t = text \"code\"\n"
       "micro \"num\" { a:is(7) }\nmicro \"txt\" { t:is \"007\" }\n",
       NULL, "code");
  if (ok(l.ok, "bind: one column read as number and as text")) {
    char *r = eval_line(&l, "007");
    is_str(r, "num;txt", "bind: '007' is 7 and \"007\"");
    free(r);
  }
  unload(&l);
}

/* --- optimisation changes nothing ------------------------------------------------ */

static const char opt_rules[] =
    "local age = number \"age\"\n"
    "local income = number \"income\"\n"
    "local country = text \"country\"\n"
    "local interests = tags \"interests\"\n"
    "local spend = number \"spend\"\n"
    "local orders = number \"orders\"\n"
    "local a = age:below(30)\n"
    "local rich = income:at_least(100000)\n"
    "local us = country:one_of {\"US\", \"CA\"}\n"
    "local tech = interests:has \"tech\"\n"
    "local ratio = (spend / orders):below(40)\n"
    "local seg = macro \"seg\" { {\"x\", a, rich}, {\"y\", any{tech, us}}, {\"x\", ratio},\n"
    "                          otherwise = \"z\" }\n"
    "micro \"m1\" { a, any{ rich, tech, ratio } }\n"
    "micro \"m2\" { any{ us & tech, a }, NOT(ratio) }\n"
    "micro \"m3\" { at_least(2, { ratio, tech, a, rich, us }) }\n"
    "micro \"m4\" { any{ all{ tech, rich }, all{ ratio, a } }, none{ us } }\n"
    "micro \"m5\" { within = seg:is \"y\", ~rich | ratio }\n"
    "micro \"m6\" { score{ {ratio, 3}, {a, 2}, {rich, 1}, {tech, 1} }:at_least(3) }\n"
    "micro \"m7\" { interests:has_all {\"tech\", \"travel\"}, all{ ratio, us } | a }\n"
    "micro \"m8\" { any{ age:between(20, 40), is_missing(income) }, country:is_not \"US\" }\n"
    "micro \"m9\" { country:none_of {\"DE\"},\n"
    "             country:is \"GB\" | (spend - orders):at_least(500) }\n"
    "micro \"m10\" { spend:above(orders), NOT(is_missing(spend / orders)) }\n";

static uint64_t rnd(uint64_t *st) {
  *st ^= *st << 13;
  *st ^= *st >> 7;
  *st ^= *st << 17;
  return *st;
}

/* A random record and what the rules above must give for it, computed here. */
static void random_record(uint64_t *st, char *rec, size_t len, char *want, size_t wlen) {
  static const char *const countries[] = {"US", "CA", "GB", "DE"};
  static const char *const tagw[] = {"tech", "travel", "fashion", "fast_fashion"};
  static const double incomes[] = {0, 50000, 99999.99, 100000, 150000};
  int has_age = rnd(st) % 8 != 0, has_inc = rnd(st) % 8 != 0, has_c = rnd(st) % 8 != 0;
  int has_sp = rnd(st) % 8 != 0, has_or = rnd(st) % 8 != 0;
  int age = 15 + (int)(rnd(st) % 40);
  double inc = incomes[rnd(st) % 5];
  const char *c = countries[rnd(st) % 4];
  int spend = (int)(rnd(st) % 200) * 10, orders = (int)(rnd(st) % 60);
  unsigned tags = (unsigned)(rnd(st) % 16);
  char tl[64] = "";
  for (int i = 0; i < 4; i++)
    if (tags >> i & 1)
      snprintf(tl + strlen(tl), sizeof tl - strlen(tl), "%s%s", *tl ? ";" : "", tagw[i]);
  char sa[16] = "", si[32] = "", ss[16] = "", so[16] = "";
  if (has_age) snprintf(sa, sizeof sa, "%d", age);
  if (has_inc) snprintf(si, sizeof si, "%.2f", inc);
  if (has_sp) snprintf(ss, sizeof ss, "%d", spend);
  if (has_or) snprintf(so, sizeof so, "%d", orders);
  snprintf(rec, len, "%s,%s,%s,%s,%s,%s", sa, si, has_c ? c : "", tl, ss, so);

  int a = has_age && age < 30;
  int rich = has_inc && inc >= 100000;
  int us = has_c && (strcmp(c, "US") == 0 || strcmp(c, "CA") == 0);
  int tech = tags & 1, travel = tags >> 1 & 1;
  int ratio = has_sp && has_or && orders != 0 && (double)spend / orders < 40;
  const char *seg = a && rich ? "x" : tech || us ? "y" : ratio ? "x" : "z";
  int m[10];
  m[0] = a && (rich || tech || ratio);
  m[1] = ((us && tech) || a) && !ratio;
  m[2] = ratio + tech + a + rich + us >= 2;
  m[3] = ((tech && rich) || (ratio && a)) && !us;
  m[4] = strcmp(seg, "y") == 0 && (!rich || ratio);
  m[5] = 3 * ratio + 2 * a + rich + tech >= 3;
  m[6] = tech && travel && ((ratio && us) || a);
  m[7] = ((has_age && age >= 20 && age <= 40) || !has_inc) && has_c && strcmp(c, "US") != 0;
  m[8] = has_c && strcmp(c, "DE") != 0 &&
         (strcmp(c, "GB") == 0 || (has_sp && has_or && spend - orders >= 500));
  m[9] = has_sp && has_or && spend > orders && orders != 0;
  snprintf(want, wlen, "%s,", seg);
  int first = 1;
  for (int i = 0; i < 10; i++)
    if (m[i]) {
      snprintf(want + strlen(want), wlen - strlen(want), "%sm%d", first ? "" : ";", i + 1);
      first = 0;
    }
}

static void test_optimise(suite *s) {
  const char *h = "age,income,country,interests,spend,orders";
  loaded opt, plain;
  load(&opt, &s->log, opt_rules, NULL, h);
  load(&plain, &s->log, opt_rules, NULL, h);
  if (!ok(opt.ok && plain.ok, "optimise: rules load")) {
    diag("  %s", opt.err.msg);
    unload(&opt);
    unload(&plain);
    return;
  }
  is_str(buf_cstr(&opt.warns), "", "optimise: no warnings");
  /* the optimiser did something worth testing */
  int reordered = 0;
  for (uint32_t i = 0; i < opt.g.nnodes; i++)
    for (uint32_t k = 0; k < opt.g.nodes[i].nkids; k++)
      if (opt.g.nodes[i].order && opt.g.nodes[i].order[k] != opt.g.nodes[i].kids[k] &&
          (opt.g.nodes[i].kind == N_AND || opt.g.nodes[i].kind == N_OR ||
           opt.g.nodes[i].kind == N_ATLEAST))
        reordered = 1;
  ok(opt.g.ncache >= 5, "optimise: shared sub-conditions are cached (%u)", opt.g.ncache);
  ok(reordered, "optimise: some AND/OR/at_least children were reordered");
  /* undo it on the second graph: written order, no caches */
  eval_ctx_free(&plain.c);
  for (uint32_t i = 0; i < plain.g.nnodes; i++) {
    node *n = &plain.g.nodes[i];
    for (uint32_t k = 0; k < n->nkids; k++) n->order[k] = n->kids[k];
    n->shared = 0;
    n->cache_ix = 0;
    n->exec = n->kind; /* no leaf shortcuts either */
  }
  plain.g.ncache = 0;
  eval_ctx_init(&plain.c, &plain.g, plain.ts);

  uint64_t st = 0x9e3779b97f4a7c15ULL;
  int bad_truth = 0, bad_plain = 0, n = 5000;
  int seen[11] = {0};
  for (int i = 0; i < n; i++) {
    char rec[256], want[256];
    random_record(&st, rec, sizeof rec, want, sizeof want);
    char *got = eval_line(&opt, rec), *gp = eval_line(&plain, rec);
    if (strcmp(got, want) != 0 && bad_truth++ < 5)
      diag("  [%s]: optimised '%s', expected '%s'", rec, got, want);
    if (strcmp(gp, want) != 0 && bad_plain++ < 5)
      diag("  [%s]: unoptimised '%s', expected '%s'", rec, gp, want);
    for (int k = 1; k <= 10; k++) {
      char name[8];
      snprintf(name, sizeof name, "m%d", k);
      size_t nl = strlen(name);
      for (const char *p = strstr(want, name); p; p = strstr(p + 1, name))
        if ((p[-1] == ',' || p[-1] == ';') && (p[nl] == ';' || p[nl] == '\0')) {
          seen[k]++;
          break;
        }
    }
    free(got);
    free(gp);
  }
  ok(bad_truth == 0, "optimise: %d random records agree with C truth (%d differ)", n, bad_truth);
  ok(bad_plain == 0, "optimise: unoptimised graph agrees with C truth too (%d differ)", bad_plain);
  int covered = 1;
  for (int k = 1; k <= 10; k++) covered &= seen[k] > 50 && seen[k] < n - 50;
  if (!ok(covered, "optimise: every segment both holds and fails often"))
    for (int k = 1; k <= 10; k++) diag("  m%d holds %d times", k, seen[k]);
  unload(&opt);
  unload(&plain);
}

/* --- rendering ------------------------------------------------------------------ */

static void test_render(suite *s) {
  const char *rules =
      "local income = number \"income\"\n"
      "local country = text \"country\"\n"
      "local spend = number \"spend_12m\"\n"
      "local orders = number \"orders_12m\"\n"
      "local interests = tags \"interests\"\n"
      "local signup = date \"signup_date\"\n"
      "local age = number \"age\"\n"
      "local market = macro \"market\" {\n"
      "  { \"apac\", country:is \"JP\" }, { \"emea\", country:is \"GB\" },\n"
      "  otherwise = \"other\" }\n"
      "micro \"r1\" { income:at_least(150000) }\n"
      "micro \"r2\" { country:one_of {\"US\", \"CA\"} }\n"
      "micro \"r3\" { (spend / orders):below(40) }\n"
      "micro \"r4\" { interests:has \"tech\" }\n"
      "micro \"r5\" { interests:has_any {\"hiking\", \"camping\"} }\n"
      "micro \"r6\" { age:between(28, 50) }\n"
      "micro \"r7\" { signup:between(\"2026-01-01\", \"2026-03-31\") }\n"
      "micro \"r8\" { is_missing(age) }\n"
      "micro \"r9\" { age:is_present() }\n"
      "micro \"r10\" { market:one_of {\"emea\", \"apac\"} }\n"
      "micro \"r11\" { country:none_of {\"US\"} }\n"
      "micro \"r12\" { country:starts_with {\"G\", \"U\"} }\n"
      "micro \"r13\" { signup:before \"2026-02-01\" }\n"
      "micro \"r14\" { age:is(2.5) }\n"
      "micro \"r15\" { country:is \"GB\" }\n"
      "micro \"r16\" { age:one_of {30, 40} }\n"
      "micro \"r17\" { (-age):above(-3) }\n"
      "micro \"r18\" { interests:has_all {\"a\", \"b\"} }\n"
      "micro \"r19\" { any{ age:below(1), age:above(2) } }\n"
      "micro \"r20\" { at_least(1, { age:below(1), age:above(2) }) }\n"
      "micro \"r21\" { (spend / orders * 2 + 1):at_most(7) }\n"
      "micro \"r22\" { ((spend + orders) * income):above(1) }\n"
      "micro \"r23\" { (spend - (orders - income)):above(1) }\n"
      "micro \"r24\" { (spend / (orders / income)):above(1) }\n"
      "micro \"r25\" { (spend - orders - income):above(1) }\n"
      "micro \"r26\" { (spend / (orders * income)):above(1) }\n"
      "micro \"r27\" { (spend - (orders + income)):above(1) }\n"
      "micro \"r28\" { (spend * orders + income * age):above(1) }\n"
      "micro \"r29\" { (spend / orders / income):above(1) }\n"
      "micro \"r30\" { (-(spend + orders)):above(1) }\n"
      "micro \"r31\" { (income * -(spend - orders)):above(1) }\n"
      "micro \"r32\" { income:below(0.2) }\n"
      "micro \"r33\" { age:one_of {30} }\n"
      "micro \"r34\" { country:none_of {\"US\", \"CA\"} }\n";
  static const char *const want[] = {
      "income >= 150000",
      "country in {US, CA}",
      "spend_12m / orders_12m < 40",
      "interests has tech",
      "interests has any of {hiking, camping}",
      "age between 28 and 50",
      "signup_date between 2026-01-01 and 2026-03-31",
      "age is missing",
      "age is present",
      "market in {apac, emea}",
      "country != \"US\"",
      "country starts with one of {G, U}",
      "signup_date < 2026-02-01",
      "age = 2.5",
      "country = \"GB\"",
      "age in {30, 40}",
      "-age > -3",
      "interests has all of {a, b}",
      "any of",
      "at least 1 of",
      "spend_12m / orders_12m * 2 + 1 <= 7",
      "(spend_12m + orders_12m) * income > 1",
      "spend_12m - (orders_12m - income) > 1",
      "spend_12m / (orders_12m / income) > 1",
      "spend_12m - orders_12m - income > 1",
      "spend_12m / (orders_12m * income) > 1",
      "spend_12m - (orders_12m + income) > 1",
      "spend_12m * orders_12m + income * age > 1",
      "spend_12m / orders_12m / income > 1",
      "-(spend_12m + orders_12m) > 1",
      "income * -(spend_12m - orders_12m) > 1",
      "income < 0.2",
      "age = 30",
      "country not in {US, CA}",
  };
  loaded l;
  load(&l, &s->log, rules, NULL, "income,country,spend_12m,orders_12m,interests,signup_date,age");
  if (!ok(l.ok, "render: rules load")) {
    diag("  %s", l.err.msg);
    unload(&l);
    return;
  }
  for (uint32_t i = 0; i < l.g.nmicros && i < sizeof want / sizeof *want; i++) {
    buf b = {0};
    render_node(&l.g, l.g.micros[i].pred, &b);
    char desc[256];
    snprintf(desc, sizeof desc, "render: %s", want[i]);
    check_str(s, buf_cstr(&b), want[i], desc);
    buf_free(&b);
  }
  /* what render does today for an arithmetic comparison, so a change is seen */
  buf b = {0};
  render_node(&l.g, l.g.nodes[l.g.micros[2].pred].kids[0], &b);
  is_str(buf_cstr(&b), "spend_12m / orders_12m", "render: the ratio alone");
  buf_free(&b);
  cleave_value v = {.type = VT_DATE, .u.date = date_from_civil(2026, 10, 31)};
  render_value(&l.g, &v, -1, &b);
  v.missing = 1;
  buf_puts(&b, " ");
  render_value(&l.g, &v, -1, &b);
  v = (cleave_value){.type = VT_ENUM, .u.boolean = 1};
  buf_puts(&b, " ");
  render_value(&l.g, &v, 0, &b);
  is_str(buf_cstr(&b), "2026-10-31 (missing) emea", "render_value: date, missing, macro value");
  buf_free(&b);
  unload(&l);
}

/* --- precision and odd inputs ---------------------------------------------------- */

static void test_edges(suite *s) {
  /* one_of keeps Lua numbers' full precision, like is() */
  truth(s, "temp:is(123456789.0123456)", R("temp=123456789.0123456"), "1");
  truth(s, "temp:one_of {123456789.0123456}", R("temp=123456789.0123456", "temp=123456789.01235"),
        "10");
  truth(s, "temp:one_of {0.1 + 0.2}", R("temp=0.30000000000000004", "temp=0.3"), "10");
  truth(s, "temp:one_of {\"0.30000000000000004\"}", R("temp=0.30000000000000004", "temp=0.3"),
        "10");
  truth(s, "temp:is(0.1 + 0.2)", R("temp=0.30000000000000004", "temp=0.3"), "10");
  /* large and long numbers in the data */
  truth(s, "temp:is(12345678901234567890)", R("temp=12345678901234567890"), "1");
  truth(s, "temp:above(1e300)", R("temp=1e308", "temp=1e400"), "10");
  truth(s, "(temp * temp):is_missing()", R("temp=1e200", "temp=1e100"), "10");
  /* text comparisons are byte-exact */
  truth(s, "country:is \"Zürich\"", R("country=Zürich", "country=Zurich"), "10");
  truth(s, "city:starts_with \"\"", R("city=x", "city="), "10");
}

int main(void) {
  suite s;
  memset(&s, 0, sizeof s);
  log_init(&s.log, LOG_ERROR, stderr);
  snprintf(s.tmp, sizeof s.tmp, "/tmp/t_dsl.XXXXXX");
  if (!mkdtemp(s.tmp)) {
    perror("mkdtemp");
    return 1;
  }
  test_env_names(&s);
  test_numbers(&s);
  test_dates(&s);
  test_texts(&s);
  test_tags(&s);
  test_arith(&s);
  test_invalid_count(&s);
  test_missing(&s);
  test_logic(&s);
  test_segments(&s);
  test_bucket(&s);
  forget(&s);
  test_lists(&s);
  test_errors(&s);
  test_warnings(&s);
  test_bind(&s);
  test_optimise(&s);
  test_render(&s);
  test_edges(&s);
  forget(&s);
  rmdir(s.tmp);
  return done_testing();
}
