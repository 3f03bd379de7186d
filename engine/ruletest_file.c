/* SPDX-License-Identifier: MIT */
/*
** ruletest_file.c -- reading a rule test file: it runs in the rule sandbox
** with three functions of its own (rules, as_of, test) and leaves its tests
** as C data in an rt_file.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "datecalc.h"
#include "error.h"
#include "ruletest.h"
#include "sandbox.h"
#include "suggest.h"

static rt_file *file_of(lua_State *L) { return sandbox_of(L)->user; }

/* "file:line: message" at the Lua line calling the running C function. */
static int file_error(lua_State *L, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  luaL_where(L, 1);
  lua_pushfstring(L, "%s%s", lua_tostring(L, -1), msg);
  return lua_error(L);
}

/* "file:line: test "name": message" at the line of `test "name"`. */
static int test_error(lua_State *L, const rt_test *t, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  lua_pushfstring(L, "%s:%d: test \"%s\": %s", file_of(L)->display, (int)t->line, t->name, msg);
  return lua_error(L);
}

static uint32_t caller_line(lua_State *L) {
  lua_Debug ar;
  if (!lua_getstack(L, 1, &ar)) return 0;
  lua_getinfo(L, "l", &ar);
  return ar.currentline > 0 ? (uint32_t)ar.currentline : 0;
}

void rt_number_text(double x, int is_integer, long long ival, char *out, size_t len) {
  if (is_integer) {
    snprintf(out, len, "%lld", ival);
    return;
  }
  if (x == 0) {
    snprintf(out, len, "0");
    return;
  }
  if (x == floor(x) && fabs(x) < 1e15) {
    snprintf(out, len, "%.0f", x);
    return;
  }
  for (int p = 1; p <= 17; p++) {
    snprintf(out, len, "%.*g", p, x);
    if (strtod(out, NULL) == x) return;
  }
}

/* The Lua number at idx as field text; an error for inf and nan. */
static char *number_text(lua_State *L, const rt_test *t, int idx, const char *what) {
  char s[64];
  double x = lua_tonumber(L, idx);
  if (!lua_isinteger(L, idx) && !isfinite(x))
    test_error(L, t, "%s: %s is not a number a field can hold", what, lua_tostring(L, idx));
  rt_number_text(x, lua_isinteger(L, idx), (long long)lua_tointeger(L, idx), s, sizeof s);
  return cl_strdup(s);
}

/* dir of base + "/" + rel (rel as it is when absolute or base has no dir). */
static char *beside(const char *base, const char *rel) {
  const char *slash = strrchr(base, '/');
  if (rel[0] == '/' || !slash) return cl_strdup(rel);
  size_t dl = (size_t)(slash - base) + 1, rl = strlen(rel);
  char *p = cl_malloc(dl + rl + 1);
  memcpy(p, base, dl);
  memcpy(p + dl, rel, rl + 1);
  return p;
}

static const char *check_text(lua_State *L, const char *fn, const char *example) {
  size_t len;
  const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
  if (!s || len == 0 || strlen(s) != len)
    file_error(L, "%s needs a text in quotes, like %s", fn, example);
  return s;
}

/* --- rules "file.lua" and as_of "YYYY-MM-DD" --------------------------------- */

static int l_rules(lua_State *L) {
  rt_file *f = file_of(L);
  const char *rel = check_text(L, "rules", "rules \"retail_v1.lua\"");
  if (f->rules) return file_error(L, "rules is given twice (a test file tests one rule file)");
  f->rules = beside(f->path, rel);
  f->rules_display = beside(f->display, rel);
  if (access(f->rules, R_OK) != 0)
    return file_error(L, "rules \"%s\": cannot read %s: %s", rel, f->rules_display,
                      strerror(errno));
  return 0;
}

static int l_as_of(lua_State *L) {
  rt_file *f = file_of(L);
  const char *s = check_text(L, "as_of", "as_of \"2026-11-01\"");
  if (f->have_as_of) return file_error(L, "as_of is given twice");
  if (date_parse_iso(s, strlen(s), &f->as_of) != 0)
    return file_error(L, "as_of \"%s\" is not a date; write \"YYYY-MM-DD\"", s);
  f->have_as_of = 1;
  return 0;
}

/* --- test "name" { ... } ------------------------------------------------------ */

/* Keys of the table at idx must be strings; a list entry is a mistake. */
static void want_keys(lua_State *L, const rt_test *t, int idx, const char *what,
                      const char *example) {
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      test_error(L, t, "%s: write name = value pairs, like %s = %s (found an entry "
                 "without a name)", what, what, example);
  }
}

/* Only 1..n in the table at idx: a list. */
static lua_Integer want_list(lua_State *L, const rt_test *t, int idx, const char *what) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
      test_error(L, t, "%s: write a list, like { \"a\", \"b\" } (found the entry '%s')", what,
                 luaL_tolstring(L, -1, NULL));
  }
  return n;
}

static void given_list(lua_State *L, rt_test *t, rt_given *g, int idx) {
  char what[200];
  snprintf(what, sizeof what, "given: %s", g->key);
  lua_Integer n = want_list(L, t, idx, what);
  g->is_list = 1;
  g->items = cl_calloc(n ? (size_t)n : 1, sizeof *g->items);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    int ty = lua_type(L, -1);
    if (ty == LUA_TNUMBER) g->items[g->nitems++] = number_text(L, t, -1, what);
    else if (ty == LUA_TSTRING) g->items[g->nitems++] = cl_strdup(lua_tostring(L, -1));
    else test_error(L, t, "%s: item %d is %s, not a text", what, (int)i, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
}

static void given_value(lua_State *L, rt_test *t, rt_given *g, int idx) {
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER: {
    char what[200];
    snprintf(what, sizeof what, "given: %s", g->key);
    g->text = number_text(L, t, idx, what);
    return;
  }
  case LUA_TSTRING: g->text = cl_strdup(lua_tostring(L, idx)); return;
  case LUA_TTABLE: given_list(L, t, g, idx); return;
  case LUA_TBOOLEAN:
    if (!lua_toboolean(L, idx))
      test_error(L, t, "given: %s = false: leave the key out for a missing value", g->key);
    test_error(L, t, "given: %s = true: give a number, a text in quotes or a list", g->key);
    return;
  default:
    test_error(L, t, "given: %s is %s: give a number, a text in quotes or a list", g->key,
               luaL_typename(L, idx));
  }
}

/* How many entries the table at idx has (all keys, not just the list part). */
static size_t count_entries(lua_State *L, int idx) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    n++;
  }
  return n;
}

static void read_given(lua_State *L, rt_test *t, int idx) {
  if (lua_getfield(L, idx, "given") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  int gi = lua_gettop(L);
  if (!lua_istable(L, gi))
    test_error(L, t, "given must be a table of column = value, like given = { age = 24 }, "
               "not %s", luaL_typename(L, gi));
  want_keys(L, t, gi, "given", "24");
  size_t n = count_entries(L, gi);
  t->given = cl_calloc(n ? n : 1, sizeof *t->given);
  lua_pushnil(L);
  while (lua_next(L, gi) && t->ngiven < n) {
    rt_given *g = &t->given[t->ngiven++]; /* owned by t from here on */
    g->key = cl_strdup(lua_tostring(L, -2));
    given_value(L, t, g, lua_gettop(L));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static void read_expect(lua_State *L, rt_test *t, int idx) {
  if (lua_getfield(L, idx, "expect") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  int ei = lua_gettop(L);
  if (!lua_istable(L, ei))
    test_error(L, t, "expect must be a table of macro split = value, like expect = "
               "{ life_stage = \"gen_z\" }, not %s", luaL_typename(L, ei));
  want_keys(L, t, ei, "expect", "\"gen_z\"");
  size_t n = count_entries(L, ei);
  t->expect = cl_calloc(n ? n : 1, sizeof *t->expect);
  lua_pushnil(L);
  while (lua_next(L, ei) && t->nexpect < n) {
    const char *k = lua_tostring(L, -2);
    int ty = lua_type(L, -1);
    if (ty == LUA_TBOOLEAN)
      test_error(L, t, "expect: %s = %s: expect holds macro split values; put micro "
                 "segments in has = { ... } or lacks = { ... }", k,
                 lua_toboolean(L, -1) ? "true" : "false");
    if (ty != LUA_TSTRING && ty != LUA_TNUMBER)
      test_error(L, t, "expect: %s must be a value name in quotes, like %s = \"gen_z\"", k, k);
    rt_pair *p = &t->expect[t->nexpect++];
    p->key = cl_strdup(k);
    p->value = ty == LUA_TNUMBER ? number_text(L, t, -1, "expect") : cl_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* has / lacks / segments: a list of names, or one name. */
static int read_names(lua_State *L, rt_test *t, int idx, const char *key, rt_names *out) {
  int ty = lua_getfield(L, idx, key);
  int li = lua_gettop(L);
  if (ty == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (ty == LUA_TSTRING) {
    out->v = cl_calloc(1, sizeof *out->v);
    out->v[out->n++] = cl_strdup(lua_tostring(L, li));
    lua_pop(L, 1);
    return 1;
  }
  if (ty != LUA_TTABLE)
    test_error(L, t, "%s must be a list of micro segment names, like %s = { \"dormant\" }, "
               "not %s", key, key, luaL_typename(L, li));
  lua_Integer n = want_list(L, t, li, key);
  out->v = cl_calloc(n ? (size_t)n : 1, sizeof *out->v);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, li, i) != LUA_TSTRING)
      test_error(L, t, "%s: item %d is %s, not a segment name in quotes", key, (int)i,
                 luaL_typename(L, -1));
    out->v[out->n++] = cl_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 1;
}

static void check_body_keys(lua_State *L, rt_test *t, int idx) {
  static const char *const keys[] = {"given", "expect", "has", "lacks", "segments", NULL};
  static const char *const synonyms[][2] = {
      {"record", "given"},   {"input", "given"},   {"when", "given"},     {"fields", "given"},
      {"then", "expect"},    {"want", "expect"},   {"macros", "expect"},  {"with", "has"},
      {"in", "has"},         {"without", "lacks"}, {"not_in", "lacks"},   {"missing", "lacks"},
      {"micros", "segments"}, {NULL, NULL}};
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int known = 0;
    for (int i = 0; k && keys[i]; i++) known |= strcmp(k, keys[i]) == 0;
    if (known) continue;
    if (!k)
      test_error(L, t, "write its parts by name: { given = {...}, expect = {...}, has = {...} }");
    const char *hint = suggest_closest(k, keys, 5);
    for (int i = 0; !hint && synonyms[i][0]; i++)
      if (strcmp(k, synonyms[i][0]) == 0) hint = synonyms[i][1];
    test_error(L, t, "unknown entry '%s'%s%s%s (a test has given, expect, has, lacks and "
               "segments)", k, hint ? " (did you mean '" : "", hint ? hint : "",
               hint ? "'?)" : "");
  }
}

static void read_body(lua_State *L, rt_file *f, size_t ix, int idx) {
  rt_test *t = &f->tests[ix];
  if (t->has_body) test_error(L, t, "already has its { ... }");
  t->has_body = 1;
  if (!lua_istable(L, idx))
    test_error(L, t, "needs a table after the name: test \"%s\" { given = {...}, expect = "
               "{...} }, not %s", t->name, luaL_typename(L, idx));
  check_body_keys(L, t, idx);
  read_given(L, t, idx);
  read_expect(L, t, idx);
  int any = t->nexpect > 0;
  any |= read_names(L, t, idx, "has", &t->has);
  any |= read_names(L, t, idx, "lacks", &t->lacks);
  t->have_segments = read_names(L, t, idx, "segments", &t->segments);
  if (!any && !t->have_segments)
    test_error(L, t, "checks nothing: give expect = {...}, has = {...}, lacks = {...} "
               "or segments = {...}");
}

static int l_body(lua_State *L) {
  read_body(L, file_of(L), (size_t)lua_tointeger(L, lua_upvalueindex(1)), 1);
  return 0;
}

static int pending_error(lua_State *L, const rt_file *f) {
  const rt_test *t = &f->tests[f->ntests - 1];
  return test_error(L, t, "has no { ... }: write test \"%s\" { given = {...}, expect = "
                    "{...} }", t->name);
}

static int l_test(lua_State *L) {
  rt_file *f = file_of(L);
  if (f->ntests && !f->tests[f->ntests - 1].has_body) return pending_error(L, f);
  const char *name = check_text(L, "test", "test \"a young urban shopper\" { ... }");
  f->tests = cl_realloc(f->tests, (f->ntests + 1) * sizeof *f->tests);
  rt_test *t = &f->tests[f->ntests];
  memset(t, 0, sizeof *t);
  t->name = cl_strdup(name);
  t->line = caller_line(L);
  size_t ix = f->ntests++;
  if (!lua_isnoneornil(L, 2)) { /* test("name", { ... }) */
    read_body(L, f, ix, 2);
    return 0;
  }
  lua_pushinteger(L, (lua_Integer)ix);
  lua_pushcclosure(L, l_body, 1);
  return 1;
}

/* Reading an undefined name: an error, as in rule files. */
static int env_index(lua_State *L) {
  const char *name = lua_tostring(L, 2);
  if (!name) return 0;
  const char *hint = sandbox_closest_name(L, name);
  if (hint) return file_error(L, "'%s' is not defined (did you mean '%s'?)", name, hint);
  return file_error(L, "'%s' is not defined (text values need quotes: \"%s\")", name, name);
}

static void install(lua_State *L) {
  static const luaL_Reg fns[] = {{"rules", l_rules}, {"as_of", l_as_of}, {"test", l_test},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, env_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

/* --- the file ----------------------------------------------------------------- */

static int by_given_key(const void *a, const void *b) {
  return strcmp(((const rt_given *)a)->key, ((const rt_given *)b)->key);
}

static int by_pair_key(const void *a, const void *b) {
  return strcmp(((const rt_pair *)a)->key, ((const rt_pair *)b)->key);
}

int rt_file_read(rt_file *f, const char *path, const char *display, const config *cfg,
                 logger *log, cl_error *err) {
  memset(f, 0, sizeof *f);
  f->path = cl_strdup(path);
  f->display = cl_strdup(display);
  if (access(path, R_OK) != 0)
    return cl_fail(err, CL_EXIT_RULES, "cannot read test file %s: %s", display, strerror(errno));
  sandbox sb;
  if (sandbox_open(&sb, (size_t)cfg->lua_memory_mb << 20, cfg->lua_instructions, log, err))
    return err->code;
  sb.user = f;
  sandbox_push_env(&sb);
  install(sb.L);
  int rc = sandbox_run_file(&sb, path, display, err);
  sandbox_close(&sb);
  if (rc) return rc;
  if (f->ntests && !f->tests[f->ntests - 1].has_body) {
    const rt_test *t = &f->tests[f->ntests - 1];
    return cl_fail(err, CL_EXIT_RULES, "%s:%u: test \"%s\": has no { ... }: write test \"%s\" "
                   "{ given = {...}, expect = {...} }", display, t->line, t->name, t->name);
  }
  if (f->ntests == 0)
    return cl_fail(err, CL_EXIT_RULES, "%s: defines no test (write test \"what it checks\" "
                   "{ given = {...}, expect = {...} })", display);
  for (size_t i = 0; i < f->ntests; i++) { /* messages in a stable order */
    rt_test *t = &f->tests[i];
    if (t->ngiven) qsort(t->given, t->ngiven, sizeof *t->given, by_given_key);
    if (t->nexpect) qsort(t->expect, t->nexpect, sizeof *t->expect, by_pair_key);
  }
  return 0;
}

static void names_free(rt_names *n) {
  for (size_t i = 0; i < n->n; i++) free(n->v[i]);
  free(n->v);
}

static void test_free(rt_test *t) {
  for (size_t i = 0; i < t->ngiven; i++) {
    rt_given *g = &t->given[i];
    free(g->key);
    free(g->text);
    for (size_t k = 0; k < g->nitems; k++) free(g->items[k]);
    free(g->items);
  }
  free(t->given);
  for (size_t i = 0; i < t->nexpect; i++) {
    free(t->expect[i].key);
    free(t->expect[i].value);
  }
  free(t->expect);
  names_free(&t->has);
  names_free(&t->lacks);
  names_free(&t->segments);
  free(t->name);
}

void rt_file_free(rt_file *f) {
  for (size_t i = 0; i < f->ntests; i++) test_free(&f->tests[i]);
  free(f->tests);
  if (f->have_graph) graph_free(&f->g);
  free(f->header);
  free(f->path);
  free(f->display);
  free(f->rules);
  free(f->rules_display);
  memset(f, 0, sizeof *f);
}
