/* SPDX-License-Identifier: MIT */
/*
** ruletest.h -- `cleave test`: rule unit tests written in Lua beside the rules.
**
**   rules "retail_v1.lua"   -- relative to the test file (default: [engine] rules)
**   as_of "2026-11-01"      -- default: the configured as_of
**   test "a young urban shopper" {
**     given  = { age = 24, city_tier = "urban", orders_12m = 6 },
**     expect = { life_stage = "gen_z" },         -- macro split values
**     has    = { "young_urban_loyalists" },       -- micro segments it must have
**     lacks  = { "dormant" },                     -- ... and must not have
**   }                                             -- or segments = { exact list }
**
** ruletest_file.c reads a test file in the rule sandbox into an rt_file;
** ruletest.c compiles its rules, evaluates each test's record and prints TAP.
*/
#ifndef CLEAVE_RULETEST_H
#define CLEAVE_RULETEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "eval.h"
#include "graph.h"
#include "session.h"

/* Returns the exit code: 0 all passed, 1 some failed, 4 a test file, its
** rules or a name in a test could not be used. Output is TAP on stdout. */
int cmd_test(const cli_opts *o);

/* --- shared by ruletest_*.c ---------------------------------------------- */

typedef struct rt_given {  /* one key of `given` */
  char *key;
  char *text;              /* a single value (number already as text) */
  char **items;            /* a list: its items (joined once the separator is known) */
  size_t nitems;
  int is_list;
} rt_given;

typedef struct rt_pair {   /* one key of `expect` */
  char *key, *value;
} rt_pair;

typedef struct rt_names {
  char **v;
  size_t n;
} rt_names;

typedef struct rt_test {
  char *name;
  uint32_t line;
  int has_body;            /* its { ... } was given */
  rt_given *given;
  size_t ngiven;
  rt_pair *expect;
  size_t nexpect;
  rt_names has, lacks, segments;
  int have_segments;       /* segments = {...} was given (may be empty) */
} rt_test;

typedef struct rt_file {
  char *path;              /* the test file, as opened */
  char *display;           /* its name in messages */
  char *rules;             /* the rule file to open (NULL: the configured one) */
  char *rules_display;
  int have_as_of;
  int32_t as_of;
  rt_test *tests;
  size_t ntests;
  /* after loading */
  graph g;
  int have_graph;
  int loaded;              /* file read and rules compiled and bound */
  char **header;           /* the record's columns (strings owned elsewhere) */
  size_t ncols;
} rt_file;

/* Run the test file in a sandbox and collect its tests into f (zeroed
** first). Errors are CL_EXIT_RULES with "file:line: message". */
int rt_file_read(rt_file *f, const char *path, const char *display, const config *cfg,
                 logger *log, cl_error *err);
void rt_file_free(rt_file *f);

/* Which macro splits and micro segments a failure report shows. */
typedef struct rt_focus {
  uint8_t *macros, *micros; /* one flag each */
} rt_focus;

void rt_focus_init(rt_focus *fo, const graph *g);
/* Show micro segment / macro split i, and the macro splits it reads. */
void rt_focus_micro(const graph *g, uint32_t mi, rt_focus *fo);
void rt_focus_macro(const graph *g, uint32_t m, rt_focus *fo);
void rt_focus_free(rt_focus *fo);
/* The explain tree of the record begun on ec, built for the focus
** (explain_record with an explain_focus): every split's value, the chosen
** splits' cases, the chosen segments' trees. */
void rt_explain(eval_ctx *ec, const rt_focus *fo, buf *out);

/* Text of a Lua number as a field would hold it: integers without ".0",
** other numbers in the fewest digits that read back the same. */
void rt_number_text(double x, int is_integer, long long ival, char *out, size_t len);

#endif
