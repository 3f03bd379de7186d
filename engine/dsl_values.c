/* SPDX-License-Identifier: MIT */
/*
** dsl_values.c -- field declarations (number "age", text, date, tags) and
** the methods that turn values into conditions (age:below(25), ...), plus
** arithmetic between numbers (spend / orders).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datecalc.h"
#include "dsl_internal.h"
#include "error.h"
#include "rule_limits.h"
#include "messages.h"
#include "suggest.h"
#include "values.h"

/* --- declarations ---------------------------------------------------------- */

static int declare(lua_State *L, int type, const char *fn, const char *example) {
  dsl *d = dsl_of(L);
  size_t len;
  const char *col = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
  if (!col || len == 0) return dsl_error(L, MSG_DECL_NO_COLUMN, fn, example, fn, example);
  char sep = ';';
  if (type == VT_TAGS && !lua_isnoneornil(L, 2)) {
    size_t sl;
    const char *s = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &sl) : NULL;
    if (!s || sl != 1) return dsl_error(L, MSG_DECL_TAGS_SEPARATOR, dsl_describe(L, 2));
    sep = s[0];
  }
  uint32_t line = dsl_line(L);
  char key_sep = type == VT_TAGS ? sep : 0;
  uint32_t s = graph_find_slot(d->g, col, type, key_sep);
  if (s != GRAPH_NONE && d->g->slots[s].node != GRAPH_NONE) {
    dsl_push(L, d->g->slots[s].node);
    return 1;
  }
  if (s == GRAPH_NONE && d->g->nslots >= LIMIT_COLUMNS) dsl_error(L, MSG_LIMIT_COLUMNS, LIMIT_COLUMNS);
  uint32_t id = dsl_node(L, N_FIELD, type, NULL, 0);
  s = graph_slot(d->g, col, type, key_sep, line);
  d->g->nodes[id].u.slot = s;
  d->g->slots[s].node = id;
  dsl_push(L, id);
  return 1;
}

static int l_number(lua_State *L) { return declare(L, VT_NUMBER, "number", "age"); }
static int l_text(lua_State *L) { return declare(L, VT_TEXT, "text", "country"); }
static int l_date(lua_State *L) { return declare(L, VT_DATE, "date", "signup"); }
static int l_tags(lua_State *L) { return declare(L, VT_TAGS, "tags", "interests"); }

/* --- helpers ---------------------------------------------------------------- */

static uint32_t self(lua_State *L, const char *method) {
  int64_t id = dsl_node_at(L, 1);
  if (id < 0)
    dsl_error(L, MSG_NOT_CALLED_WITH_COLON, method, dsl_describe(L, 1), method);
  return (uint32_t)id;
}

static int type_of(lua_State *L, uint32_t id) { return dsl_of(L)->g->nodes[id].type; }

static int wrong_type(lua_State *L, const char *method, const char *needs) {
  int t = type_of(L, (uint32_t)dsl_node_at(L, 1)); /* self() made sure it is a node */
  return dsl_error(L, MSG_METHOD_WRONG_TYPE, method, needs, dsl_describe(L, 1), MSG_METHODS_FOR(t));
}

static int push_new(lua_State *L, node_kind kind, const uint32_t *kids, uint32_t n, int op) {
  uint32_t id = dsl_node(L, kind, VT_BOOL, kids, n);
  dsl_of(L)->g->nodes[id].op = (uint8_t)op;
  dsl_push(L, id);
  return 1;
}

/* The macro an ENUM node comes from, checking value names. */
static const macro *enum_macro(lua_State *L, uint32_t id) {
  const graph *g = dsl_of(L)->g;
  return &g->macros[g->nodes[id].u.macro];
}

/* "a, b, c": the macro's values, pushed on the Lua stack. */
static const char *enum_values(lua_State *L, const macro *m) {
  buf b = {0};
  for (uint32_t v = 0; v < m->nvalues; v++) buf_printf(&b, "%s%s", v ? ", " : "", m->values[v]);
  lua_pushstring(L, buf_cstr(&b));
  buf_free(&b);
  return lua_tostring(L, -1);
}

static uint32_t enum_value(lua_State *L, const macro *m, const char *name) {
  for (uint32_t v = 0; v < m->nvalues; v++)
    if (strcmp(m->values[v], name) == 0) return v;
  const char *hint = suggest_closest(name, (const char *const *)m->values, m->nvalues);
  return (uint32_t)dsl_error(L, MSG_ENUM_NO_VALUE, m->name, name, MSG_DID_YOU_MEAN_ARGS(hint),
                             enum_values(L, m));
}

/* Bits of the macro values named by the list (or string) at idx. */
static uint64_t enum_bits(lua_State *L, uint32_t id, int idx, const char *method) {
  const macro *m = enum_macro(L, id);
  lua_newtable(L); /* the names, as a list */
  int t = lua_gettop(L);
  if (lua_type(L, idx) == LUA_TSTRING) {
    lua_pushvalue(L, idx);
    lua_rawseti(L, t, 1);
  } else if (lua_type(L, idx) == LUA_TTABLE) {
    for (lua_Integer i = 1; i <= luaL_len(L, idx); i++) {
      lua_geti(L, idx, i);
      lua_rawseti(L, t, i);
    }
  } else {
    dsl_error(L, MSG_ENUM_ARG, method, m->name, dsl_describe(L, idx), enum_values(L, m));
  }
  uint64_t bits = 0;
  lua_Integer n = luaL_len(L, t);
  if (n == 0) dsl_error(L, MSG_LIST_EMPTY, method);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, t, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      dsl_error(L, MSG_ENUM_ITEM, method, (int)i, dsl_describe(L, -1), m->values[0]);
    uint32_t v = enum_value(L, m, lua_tostring(L, -1));
    if (v >= 64) dsl_error(L, MSG_ENUM_TOO_MANY, m->name);
    bits |= 1ULL << v;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return bits;
}

/* --- comparisons ------------------------------------------------------------ */

static int compare(lua_State *L, int op, const char *method) {
  uint32_t a = self(L, method);
  int t = type_of(L, a);
  if (t == VT_ENUM && (op == OP_EQ || op == OP_NE)) {
    uint64_t bits = enum_bits(L, a, 2, method);
    uint32_t id = dsl_node(L, N_IN, VT_BOOL, &a, 1);
    dsl_of(L)->g->nodes[id].u.in.bits = bits;
    dsl_of(L)->g->nodes[id].op = op == OP_NE;
    dsl_push(L, id);
    return 1;
  }
  int ordered = op != OP_EQ && op != OP_NE;
  if (t != VT_NUMBER && t != VT_DATE && (ordered || t != VT_TEXT))
    return wrong_type(L, method, ordered ? MSG_ON_ORDERED : MSG_ON_EQUALITY);
  if (lua_isnoneornil(L, 2))
    dsl_error(L, MSG_COMPARE_NO_VALUE, method, method,
              t == VT_DATE ? MSG_EXAMPLE_DATE : t == VT_TEXT ? MSG_EXAMPLE_TEXT : MSG_EXAMPLE_NUMBER);
  char what[64];
  snprintf(what, sizeof what, MSG_WHAT_COMPARE_VALUE, method);
  uint32_t kids[2] = {a, dsl_to_value(L, 2, t, what)};
  return push_new(L, N_CMP, kids, 2, op);
}

static int m_below(lua_State *L) { return compare(L, OP_LT, "below"); }
static int m_at_most(lua_State *L) { return compare(L, OP_LE, "at_most"); }
static int m_above(lua_State *L) { return compare(L, OP_GT, "above"); }
static int m_at_least(lua_State *L) { return compare(L, OP_GE, "at_least"); }
static int m_is(lua_State *L) { return compare(L, OP_EQ, "is"); }
static int m_is_not(lua_State *L) { return compare(L, OP_NE, "is_not"); }
static int m_before(lua_State *L) {
  if (type_of(L, self(L, "before")) != VT_DATE) return wrong_type(L, "before", MSG_ON_DATES);
  return compare(L, OP_LT, "before");
}
static int m_after(lua_State *L) {
  if (type_of(L, self(L, "after")) != VT_DATE) return wrong_type(L, "after", MSG_ON_DATES);
  return compare(L, OP_GT, "after");
}

static double bound(lua_State *L, int idx, int type, const char *method) {
  if (type == VT_DATE) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    int32_t d = 0; /* dsl_error does not return; clang cannot tell */
    if (lua_type(L, idx) != LUA_TSTRING || date_parse_iso(s, len, &d) != 0)
      dsl_error(L, MSG_BOUND_NOT_DATE, method, dsl_describe(L, idx));
    return d;
  }
  if (lua_type(L, idx) != LUA_TNUMBER)
    dsl_error(L, MSG_BOUND_NOT_NUMBER, method, dsl_describe(L, idx));
  double x = lua_tonumber(L, idx);
  if (!isfinite(x)) dsl_error(L, MSG_NOT_FINITE, method);
  return x;
}

static int m_between(lua_State *L) {
  uint32_t a = self(L, "between");
  int t = type_of(L, a);
  if (t != VT_NUMBER && t != VT_DATE) return wrong_type(L, "between", MSG_ON_ORDERED);
  double lo = bound(L, 2, t, "between"), hi = bound(L, 3, t, "between");
  if (lo > hi) dsl_error(L, MSG_BOUNDS_REVERSED, lua_tostring(L, 2), lua_tostring(L, 3));
  uint32_t id = dsl_node(L, N_BETWEEN, VT_BOOL, &a, 1);
  dsl_of(L)->g->nodes[id].u.range.lo = lo;
  dsl_of(L)->g->nodes[id].u.range.hi = hi;
  dsl_push(L, id);
  return 1;
}

static int set_test(lua_State *L, int negate, const char *method) {
  uint32_t a = self(L, method);
  int t = type_of(L, a);
  if (t == VT_ENUM) {
    uint64_t bits = enum_bits(L, a, 2, method);
    uint32_t id = dsl_node(L, N_IN, VT_BOOL, &a, 1);
    dsl_of(L)->g->nodes[id].u.in.bits = bits;
    dsl_of(L)->g->nodes[id].op = (uint8_t)negate;
    dsl_push(L, id);
    return 1;
  }
  if (t != VT_TEXT && t != VT_NUMBER && t != VT_DATE)
    return wrong_type(L, method, MSG_ON_SETS);
  uint32_t id = dsl_node(L, N_IN, VT_BOOL, &a, 1);
  node *n = &dsl_of(L)->g->nodes[id];
  n->op = (uint8_t)negate;
  if (t == VT_TEXT) {
    dsl_strings(L, 2, &n->u.in.set, method);
  } else { /* numbers and dates: read the list's values directly */
    int single = lua_type(L, 2) == LUA_TNUMBER || lua_type(L, 2) == LUA_TSTRING;
    if (!single && lua_type(L, 2) != LUA_TTABLE)
      dsl_error(L, MSG_SET_NOT_A_LIST, method, dsl_describe(L, 2),
                t == VT_DATE ? MSG_EXAMPLE_DATE_LIST : MSG_EXAMPLE_NUMBER_LIST);
    lua_Integer cnt = single ? 1 : luaL_len(L, 2);
    if (cnt == 0) dsl_error(L, MSG_LIST_EMPTY, method);
    n->u.in.nums = cl_calloc((size_t)cnt, sizeof *n->u.in.nums);
    for (lua_Integer i = 1; i <= cnt; i++) {
      if (single) lua_pushvalue(L, 2);
      else lua_geti(L, 2, i);
      size_t len;
      const char *str = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
      double x = 0;
      int32_t dd;
      if (dsl_node_at(L, -1) >= 0) {
        char name[200];
        dsl_node_name(dsl_of(L)->g, (uint32_t)dsl_node_at(L, -1), name, sizeof name);
        dsl_error(L, MSG_SET_ITEM_FIELD, method, (int)i, name);
      }
      int ok = t == VT_NUMBER ? (lua_type(L, -1) == LUA_TNUMBER ? (x = lua_tonumber(L, -1), 1)
                                 : str && num_parse(str, len, &x) == 0)
                              : str && date_parse_iso(str, len, &dd) == 0 && ((x = dd), 1);
      if (ok && !isfinite(x)) dsl_error(L, MSG_NOT_FINITE, method);
      if (!ok)
        dsl_error(L, t == VT_DATE ? MSG_SET_ITEM_NOT_DATE : MSG_SET_ITEM_NOT_NUMBER, method,
                  (int)i, dsl_describe(L, -1));
      n = &dsl_of(L)->g->nodes[id];
      n->u.in.nums[n->u.in.nnums++] = x;
      lua_pop(L, 1);
    }
  }
  dsl_push(L, id);
  return 1;
}

static int m_one_of(lua_State *L) { return set_test(L, 0, "one_of"); }
static int m_none_of(lua_State *L) { return set_test(L, 1, "none_of"); }

static int m_starts_with(lua_State *L) {
  uint32_t a = self(L, "starts_with");
  if (type_of(L, a) != VT_TEXT) return wrong_type(L, "starts_with", MSG_ON_TEXTS);
  uint32_t id = dsl_node(L, N_PREFIX, VT_BOOL, &a, 1);
  dsl_strings(L, 2, &dsl_of(L)->g->nodes[id].u.in.set, "starts_with");
  dsl_push(L, id);
  return 1;
}

/* --- tags ------------------------------------------------------------------- */

static int tag_test(lua_State *L, int all, int single, const char *method) {
  uint32_t a = self(L, method);
  if (type_of(L, a) != VT_TAGS) return wrong_type(L, method, MSG_ON_TAGS);
  if (single && lua_type(L, 2) != LUA_TSTRING)
    dsl_error(L, MSG_TAG_NOT_ONE, method, method);
  graph *g = dsl_of(L)->g;
  uint32_t id = dsl_node(L, N_HAS, VT_BOOL, &a, 1);
  dsl_strings(L, 2, &g->nodes[id].u.in.set, method);
  node *n = &g->nodes[id];
  n->op = (uint8_t)all;
  if (g->nodes[a].kind == N_FIELD) { /* tags read from a column: use bits */
    slot *s = &g->slots[g->nodes[a].u.slot];
    uint64_t bits = 0;
    int fits = 1;
    for (uint32_t i = 0; i < n->u.in.set.n; i++) {
      uint32_t ix = strset_add(&s->tags, n->u.in.set.items[i], n->u.in.set.lens[i]);
      if (ix < 64) bits |= 1ULL << ix;
      else fits = 0;
    }
    n->u.in.bits = fits ? bits : 0;
  }
  dsl_push(L, id);
  return 1;
}

static int m_has(lua_State *L) { return tag_test(L, 0, 1, "has"); }
static int m_has_any(lua_State *L) { return tag_test(L, 0, 0, "has_any"); }
static int m_has_all(lua_State *L) { return tag_test(L, 1, 0, "has_all"); }

/* --- missing values --------------------------------------------------------- */

static int missing(lua_State *L, int present) {
  int64_t a = dsl_node_at(L, 1);
  if (a < 0 || type_of(L, (uint32_t)a) == VT_BOOL)
    return dsl_error(L, MSG_MISSING_NEEDS_FIELD, present ? "is_present" : "is_missing",
                     dsl_describe(L, 1), present ? "is_present" : "is_missing");
  uint32_t kid = (uint32_t)a;
  uint32_t id = dsl_node(L, N_MISSING, VT_BOOL, &kid, 1);
  if (present) id = dsl_node(L, N_NOT, VT_BOOL, &id, 1);
  dsl_push(L, id);
  return 1;
}

static int l_is_missing(lua_State *L) { return missing(L, 0); }
static int l_is_present(lua_State *L) { return missing(L, 1); }

/* --- arithmetic ------------------------------------------------------------- */

static int arith(lua_State *L, int op) {
  static const char *const names[] = {"+", "-", "*", "/"};
  for (int i = 1; i <= 2; i++) {
    int64_t id = dsl_node_at(L, i);
    if ((id >= 0 && type_of(L, (uint32_t)id) != VT_NUMBER) ||
        (id < 0 && lua_type(L, i) != LUA_TNUMBER))
      dsl_error(L, MSG_ARITH_NOT_NUMBER, names[op], dsl_describe(L, i));
  }
  uint32_t kids[2] = {dsl_to_value(L, 1, VT_NUMBER, names[op]),
                      dsl_to_value(L, 2, VT_NUMBER, names[op])};
  uint32_t id = dsl_node(L, N_ARITH, VT_NUMBER, kids, 2);
  dsl_of(L)->g->nodes[id].op = (uint8_t)op;
  dsl_push(L, id);
  return 1;
}

static int mt_add(lua_State *L) { return arith(L, AR_ADD); }
static int mt_sub(lua_State *L) { return arith(L, AR_SUB); }
static int mt_mul(lua_State *L) { return arith(L, AR_MUL); }
static int mt_div(lua_State *L) { return arith(L, AR_DIV); }
static int mt_unm(lua_State *L) {
  uint32_t a = self(L, "-");
  if (type_of(L, a) != VT_NUMBER) return dsl_error(L, MSG_ARITH_NOT_NUMBER, "-", dsl_describe(L, 1));
  dsl_push(L, dsl_node(L, N_NEG, VT_NUMBER, &a, 1));
  return 1;
}

void dsl_open_values(lua_State *L) {
  static const luaL_Reg globals[] = {{"number", l_number},         {"text", l_text},
                                     {"date", l_date},             {"tags", l_tags},
                                     {"is_missing", l_is_missing}, {"is_present", l_is_present},
                                     {NULL, NULL}};
  static const luaL_Reg methods[] = {
      {"below", m_below},       {"at_most", m_at_most},   {"above", m_above},
      {"at_least", m_at_least}, {"is", m_is},             {"is_not", m_is_not},
      {"before", m_before},     {"after", m_after},       {"between", m_between},
      {"one_of", m_one_of},     {"none_of", m_none_of},   {"starts_with", m_starts_with},
      {"has", m_has},           {"has_any", m_has_any},   {"has_all", m_has_all},
      {"is_missing", l_is_missing}, {"is_present", l_is_present}, {NULL, NULL}};
  static const luaL_Reg ops[] = {{"__add", mt_add}, {"__sub", mt_sub}, {"__mul", mt_mul},
                                 {"__div", mt_div}, {"__unm", mt_unm}, {NULL, NULL}};
  luaL_setfuncs(L, globals, 0);
  luaL_getmetatable(L, NODE_MT);
  luaL_setfuncs(L, ops, 0);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}
