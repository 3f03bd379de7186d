/* SPDX-License-Identifier: MIT */
/*
** dsl_quantile.c -- population thresholds: conditions on where a value sits
** in its column, as marketers say it ("the top 10 % of spenders"):
**
**   spend:top_percent(10)        spend >= the column's quantile 0.90
**   spend:bottom_percent(25)     spend <= the lower quantile 0.25
**   spend:quantile_at_least(0.9) spend >= quantile 0.9
**   spend:quantile_below(0.5)    spend <  quantile 0.5
**
** Each is a comparison with a constant node recorded in graph.quants; the
** constant's value (the quantile) is filled in by quantile.c from a stats
** file or a first pass over the input before the graph is optimised, so it
** evaluates as spend:at_least(1834.2) would, in both evaluators. Ties at
** the threshold are included by top_percent and bottom_percent (sketch_kll.h
** defines both quantiles); quantile_below(q) is the complement of
** quantile_at_least(q) among present values.
*/
#include <math.h>
#include <stdio.h>

#include "dsl_internal.h"
#include "graph.h"
#include "messages.h"

enum { Q_TOP, Q_BOTTOM, Q_AT_LEAST, Q_BELOW };

static int quantile_test(lua_State *L, int kind, const char *method) {
  int64_t a = dsl_node_at(L, 1);
  if (a < 0) return dsl_error(L, MSG_NOT_CALLED_WITH_COLON, method, dsl_describe(L, 1), method);
  graph *g = dsl_of(L)->g;
  if (g->nodes[a].kind != N_FIELD || g->nodes[a].type != VT_NUMBER)
    return dsl_error(L, MSG_QUANTILE_FIELD, method, dsl_describe(L, 1), method);
  int percent = kind == Q_TOP || kind == Q_BOTTOM;
  double hi = percent ? 100 : 1;
  const char *example = kind == Q_TOP ? "spend:top_percent(10)"
                        : kind == Q_BOTTOM ? "spend:bottom_percent(25)"
                        : kind == Q_AT_LEAST ? "spend:quantile_at_least(0.9)"
                                             : "spend:quantile_below(0.5)";
  double p = lua_type(L, 2) == LUA_TNUMBER ? lua_tonumber(L, 2) : NAN;
  if (!(p > 0 && p < hi)) return dsl_error(L, MSG_QUANTILE_ARG, method, 0.0, hi, dsl_describe(L, 2), example);
  double q = kind == Q_TOP ? 1 - p / 100 : kind == Q_BOTTOM ? p / 100 : p;
  cleave_value v = {0};
  v.type = VT_NUMBER;
  uint32_t c = dsl_node(L, N_CONST, VT_NUMBER, NULL, 0);
  g = dsl_of(L)->g;
  g->nodes[c].u.cval = v;
  uint32_t kids[2] = {(uint32_t)a, c};
  uint32_t id = dsl_node(L, N_CMP, VT_BOOL, kids, 2);
  g = dsl_of(L)->g;
  g->nodes[id].op = (uint8_t)(kind == Q_TOP || kind == Q_AT_LEAST ? OP_GE
                              : kind == Q_BOTTOM ? OP_LE : OP_LT);
  graph_quant *t = graph_add_quant(g, g->nodes[a].u.slot, c, id, q);
  t->line = dsl_line(L);
  t->lower = kind == Q_BOTTOM;
  snprintf(t->method, sizeof t->method, "%s(%.6g)", method, p);
  if (kind == Q_TOP) snprintf(t->label, sizeof t->label, "top %.6g %%", p);
  else if (kind == Q_BOTTOM) snprintf(t->label, sizeof t->label, "bottom %.6g %%", p);
  else snprintf(t->label, sizeof t->label, "quantile %.6g", p);
  dsl_push(L, id);
  return 1;
}

static int m_top(lua_State *L) { return quantile_test(L, Q_TOP, "top_percent"); }
static int m_bottom(lua_State *L) { return quantile_test(L, Q_BOTTOM, "bottom_percent"); }
static int m_at_least(lua_State *L) { return quantile_test(L, Q_AT_LEAST, "quantile_at_least"); }
static int m_below(lua_State *L) { return quantile_test(L, Q_BELOW, "quantile_below"); }

void dsl_open_quantiles(lua_State *L) {
  static const luaL_Reg methods[] = {{"top_percent", m_top},
                                     {"bottom_percent", m_bottom},
                                     {"quantile_at_least", m_at_least},
                                     {"quantile_below", m_below},
                                     {NULL, NULL}};
  luaL_getmetatable(L, NODE_MT);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}
