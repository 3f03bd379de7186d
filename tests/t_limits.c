/* SPDX-License-Identifier: MIT */
/*
** t_limits.c -- (the shell side: t_rule_limits.sh) value rules both evaluators share (values.h) where a rule
** file or a plugin pushes at the edges: a plugin's NaN and infinities are
** missing, long number texts parse, and at_least counts past 65,536 -- the
** same from eval.h (row) and batch.h (column batches).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "batch.h"
#include "error.h"
#include "eval.h"
#include "graph.h"
#include "rules.h"
#include "values.h"

/* --- a plugin criterion returning NaN, infinities and plain numbers -------- */

static void odd_eval(const void *inst, void *ts, const cleave_value *args, cleave_value *out) {
  (void)inst, (void)ts;
  out->missing = args[0].missing;
  if (out->missing) return;
  double x = args[0].u.number;
  out->u.number = x == 1 ? NAN : x == 2 ? INFINITY : x == 3 ? -INFINITY : x;
}

static const cleave_arg odd_args[] = {{"x", CLEAVE_ARG_VALUE, CLEAVE_NUMBER, sizeof(cleave_arg)}};
static const cleave_criterion odd = {"odd", "NaN for 1, inf for 2, -inf for 3", CLEAVE_NUMBER,
                                     CLEAVE_PURE, odd_args, 1, 1, NULL, odd_eval, NULL,
                                     sizeof(cleave_criterion)};

static uint32_t add(graph *g, node_kind kind, int type, const uint32_t *kids, uint32_t n) {
  uint32_t id = graph_add(g, kind, type, 1);
  graph_set_kids(g, id, kids, n);
  return id;
}

static void add_micro(graph *g, const char *name, uint32_t pred) {
  g->micros = cl_realloc(g->micros, (g->nmicros + 1) * sizeof *g->micros);
  micro *m = &g->micros[g->nmicros++];
  m->name = cl_strdup(name);
  m->line = 1;
  m->pred = pred;
  m->within = -1;
}

/* micro "missing" { is_missing(odd(x)) }, "above" { odd(x):above(0) } */
static void build_plugin_graph(graph *g) {
  graph_init(g, "t.lua", 0);
  uint32_t s = graph_slot(g, "x", VT_NUMBER, 0, 1);
  g->slots[s].col = 0;
  uint32_t f = graph_add(g, N_FIELD, VT_NUMBER, 1);
  g->nodes[f].u.slot = s;
  uint32_t call = add(g, N_CALL, VT_NUMBER, &f, 1);
  node *n = &g->nodes[call];
  n->u.call.crit = &odd;
  n->u.call.label = cl_strdup("t.odd");
  n->u.call.consts = cl_calloc(1, sizeof(cleave_value));
  n->u.call.consts[0].missing = 1;
  n->u.call.argkid = cl_calloc(1, sizeof(int32_t));
  uint32_t zero = graph_add(g, N_CONST, VT_NUMBER, 1);
  g->nodes[zero].u.cval.type = VT_NUMBER;
  uint32_t miss = add(g, N_MISSING, VT_BOOL, &call, 1);
  uint32_t cmp_kids[2] = {call, zero};
  uint32_t above = add(g, N_CMP, VT_BOOL, cmp_kids, 2);
  g->nodes[above].op = OP_GT;
  add_micro(g, "missing", miss);
  add_micro(g, "above", above);
  graph_optimize(g);
}

static void test_plugin_nan(void) {
  graph g;
  build_plugin_graph(&g);
  void *ts[1] = {NULL};
  static const char *const xs[] = {"1", "2", "3", "4", ""};
  static const int want_missing[] = {1, 1, 1, 0, 1}, want_above[] = {0, 0, 0, 1, 0};
  const uint32_t nrec = 5;
  cleave_str col[5];
  for (uint32_t i = 0; i < nrec; i++) col[i] = (cleave_str){xs[i], strlen(xs[i])};
  eval_ctx c;
  eval_ctx_init(&c, &g, ts);
  batch_ctx b;
  batch_init(&b, &g, ts);
  const cleave_str *cols[1] = {col};
  batch_begin(&b, cols, nrec);
  const uint64_t *bm = batch_micro(&b, 0), *ba = batch_micro(&b, 1);
  for (uint32_t i = 0; i < nrec; i++) {
    eval_begin(&c, &col[i]);
    int rm = eval_pred(&c, g.micros[0].pred), ra = eval_pred(&c, g.micros[1].pred);
    int bmiss = (int)(bm[0] >> i & 1), babove = (int)(ba[0] >> i & 1);
    ok(rm == want_missing[i] && bmiss == want_missing[i],
       "plugin result %s for x = '%s': missing is %d (row %d, batch %d)",
       i == 0 ? "NaN" : i == 1 ? "inf" : i == 2 ? "-inf" : "plain", xs[i], want_missing[i], rm,
       bmiss);
    ok(ra == want_above[i] && babove == want_above[i],
       "plugin result for x = '%s': above(0) is %d (row %d, batch %d)", xs[i], want_above[i], ra,
       babove);
    cleave_value v;
    eval_value(&c, 1, &v); /* node 1: the call */
    if (i == 0) ok(v.missing, "plugin NaN: eval_value reports it missing");
  }
  batch_free(&b);
  eval_ctx_free(&c);
  graph_free(&g);
}

/* --- long number texts ----------------------------------------------------- */

static void test_long_numbers(void) {
  char big[256], tiny[400], junk[300];
  big[0] = '1';
  memset(big + 1, '0', 199);
  big[200] = '\0';
  strcpy(tiny, "0.");
  memset(tiny + 2, '0', 300);
  strcpy(tiny + 302, "1");
  memset(junk, '1', 250);
  strcpy(junk + 250, "x");
  double x = 0;
  ok(num_parse(big, strlen(big), &x) == 0 && x == 1e199, "a 200-digit number is 1e199");
  ok(num_parse(tiny, strlen(tiny), &x) == 0 && x == 1e-301, "0.(300 zeros)1 is 1e-301");
  char neg[260] = "-";
  strcat(neg, big);
  strcat(neg, ".25");
  ok(num_parse(neg, strlen(neg), &x) == 0 && x == -1e199, "-(200 digits).25 is -1e199");
  ok(num_parse(junk, strlen(junk), &x) != 0, "251 characters ending in junk are not a number");
  char huge[400];
  memset(huge, '9', 350);
  huge[350] = '\0';
  ok(num_parse(huge, strlen(huge), &x) != 0, "350 nines (past the largest double) are not a number");
}

/* --- at_least past a 16-bit count ------------------------------------------ */

static void test_at_least_wide(void) {
  const char *rules = "local age = number \"age\"\n"
                      "local c, t = age:above(1), {}\n"
                      "for i = 1, 70000 do t[i] = c end\n"
                      "micro \"most\" { at_least(65537, t) }\n";
  rules_opts o;
  memset(&o, 0, sizeof o);
  o.path = o.display = "rules.lua";
  o.source = rules;
  o.source_len = strlen(rules);
  o.mem_limit = 64 << 20;
  o.instr_limit = 10000000;
  logger lg;
  log_init(&lg, LOG_ERROR, stderr);
  o.log = &lg;
  graph g;
  cl_error err;
  char *hdr[] = {"age"};
  if (!ok(rules_load(&g, &o, &err) == 0 && rules_bind(&g, hdr, 1, "t.csv", &err) == 0,
          "at_least over 70,000 conditions loads")) {
    diag("%s", err.msg);
    graph_free(&g);
    return;
  }
  void *ts[1] = {NULL};
  cleave_str col[2] = {{"30", 2}, {"", 0}};
  eval_ctx c;
  eval_ctx_init(&c, &g, ts);
  batch_ctx b;
  batch_init(&b, &g, ts);
  const cleave_str *cols[1] = {col};
  batch_begin(&b, cols, 2);
  const uint64_t *bits = batch_micro(&b, 0);
  eval_begin(&c, &col[0]);
  int row0 = eval_pred(&c, g.micros[0].pred);
  eval_begin(&c, &col[1]);
  int row1 = eval_pred(&c, g.micros[0].pred);
  ok(row0 == 1 && (bits[0] & 1) == 1, "70,000 of 70,000 hold: at_least(65537) (row %d, batch %d)",
     row0, (int)(bits[0] & 1));
  ok(row1 == 0 && (bits[0] >> 1 & 1) == 0, "none hold: not at_least(65537) (row %d, batch %d)",
     row1, (int)(bits[0] >> 1 & 1));
  batch_free(&b);
  eval_ctx_free(&c);
  graph_free(&g);
}

int main(void) {
  test_plugin_nan();
  test_long_numbers();
  test_at_least_wide();
  return done_testing();
}
