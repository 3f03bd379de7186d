/* SPDX-License-Identifier: MIT */
/*
** sandbox.c -- the Lua sandbox for rule files (see sandbox.h).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "env_names.h"
#include "fsafe.h"
#include "messages.h"
#include "sandbox.h"
#include "suggest.h"

#define HOOK_EVERY 1000 /* instructions between count-hook calls */
#define RULE_FILE_MAX (16u << 20)

sandbox *sandbox_of(lua_State *L) { return *(sandbox **)lua_getextraspace(L); }

/* Allocator with a cap; frees and shrinks never fail (lua_Alloc contract). */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  sandbox *sb = ud;
  if (!ptr) osize = 0; /* osize is then an object type, not a size */
  if (nsize == 0) {
    free(ptr);
    sb->mem_used -= osize;
    return NULL;
  }
  if (nsize > osize && sb->mem_used - osize + nsize > sb->mem_limit) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) sb->mem_used = sb->mem_used - osize + nsize;
  return p;
}

static void count_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  sandbox *sb = sandbox_of(L);
  sb->instr_used += HOOK_EVERY;
  if (sb->instr_used <= sb->instr_limit) return;
  /* From now on every instruction fails, so a pcall around the loop cannot
  ** catch the error and carry on; every such error names where the limit
  ** was first reached (the loop), not where the pcall returned to. */
  if (!sb->cap_where[0]) {
    luaL_where(L, 0);
    snprintf(sb->cap_where, sizeof sb->cap_where, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  }
  lua_pushfstring(L, MSG_INSTRUCTION_CAP, sb->cap_where, (LUAI_UACINT)sb->instr_limit);
  lua_error(L);
}

static int safe_print(lua_State *L) {
  sandbox *sb = sandbox_of(L);
  luaL_Buffer b;
  int n = lua_gettop(L);
  luaL_buffinit(L, &b);
  luaL_where(L, 1);
  luaL_addvalue(&b);
  for (int i = 1; i <= n; i++) {
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&b);
    if (i < n) luaL_addchar(&b, '\t');
  }
  luaL_pushresult(&b);
  log_msg(sb->log, LOG_INFO, "%s", lua_tostring(L, -1));
  return 0;
}

/* string.find with plain matching only: patterns can backtrack for hours
** inside one C call, out of the count hook's reach. */
static int plain_find(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  lua_Integer init = luaL_optinteger(L, 3, 1);
  if (init < 0) init = (lua_Integer)ls + init + 1;
  if (init < 1) init = 1;
  if ((size_t)init > ls + 1) {
    lua_pushnil(L);
    return 1;
  }
  const char *hit = lp == 0 ? s + init - 1
                            : memmem(s + init - 1, ls - (size_t)init + 1, p, lp);
  if (!hit) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, hit - s + 1);
  lua_pushinteger(L, hit - s + (lua_Integer)lp);
  return 2;
}

static int no_patterns(lua_State *L) {
  return luaL_error(L, MSG_NO_PATTERNS);
}

static void open_libs(lua_State *L) {
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                                  {LUA_STRLIBNAME, luaopen_string},
                                  {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8},
                                  {NULL, NULL}};
  for (const luaL_Reg *l = libs; l->func; l++) {
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);
  }
}

/* Push a shallow copy of the table at idx. */
static void copy_table(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -4);
  }
}

/* Push a shallow copy of global table `name`, minus the listed keys. */
static void push_copy(lua_State *L, const char *name, const char *const *drop) {
  lua_getglobal(L, name);
  copy_table(L, -1);
  lua_remove(L, -2);
  for (; drop && *drop; drop++) {
    lua_pushnil(L);
    lua_setfield(L, -2, *drop);
  }
}

/* The string table every string's metatable indexes: safe functions only,
** so ("x"):gsub(...) and ("x"):dump() are gone too. */
static void harden_string_metatable(lua_State *L) {
  static const char *const drop[] = {"dump", "match", "gmatch", "gsub", NULL};
  push_copy(L, LUA_STRLIBNAME, drop);
  lua_pushcfunction(L, plain_find);
  lua_setfield(L, -2, "find");
  lua_pushcfunction(L, no_patterns);
  lua_setfield(L, -2, "match");
  lua_pushcfunction(L, no_patterns);
  lua_setfield(L, -2, "gmatch");
  lua_pushcfunction(L, no_patterns);
  lua_setfield(L, -2, "gsub");
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 3);
}

int sandbox_open(sandbox *sb, size_t mem_limit, long instr_limit, logger *log,
                 cl_error *err) {
  memset(sb, 0, sizeof *sb);
  sb->mem_limit = mem_limit;
  sb->instr_limit = instr_limit;
  sb->log = log;
  sb->L = lua_newstate(capped_alloc, sb);
  if (!sb->L) return cl_fail(err, CL_EXIT_INTERNAL, "cannot create a Lua state");
  *(sandbox **)lua_getextraspace(sb->L) = sb;
  open_libs(sb->L);
  harden_string_metatable(sb->L);
  lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return 0;
}

void sandbox_push_env(sandbox *sb) {
  /* no xpcall: Lua runs its message handler with hooks off, out of reach
  ** of the instruction cap */
  lua_State *L = sb->L;
  lua_newtable(L);
  for (const char *const *f = env_lua_base; *f; f++) {
    lua_getglobal(L, *f);
    lua_setfield(L, -2, *f);
  }
  lua_pushcfunction(L, safe_print);
  lua_setfield(L, -2, "print");
  lua_pushliteral(L, LUA_VERSION);
  lua_setfield(L, -2, "_VERSION");
  /* the string table the metatable uses is already hardened: copy it */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, -1, "__index");
  copy_table(L, -1);
  lua_setfield(L, -5, "string");
  lua_pop(L, 3);
  push_copy(L, LUA_TABLIBNAME, NULL);
  lua_setfield(L, -2, "table");
  push_copy(L, LUA_MATHLIBNAME, (const char *const[]){"random", "randomseed", NULL});
  lua_setfield(L, -2, "math");
  push_copy(L, LUA_UTF8LIBNAME, NULL);
  lua_setfield(L, -2, "utf8");
}

/* Message handler: keep a text message (it already carries file:line). Any
** other value (error(nil), error({})) says what was raised, and where: the
** innermost line of the rule file on the stack. */
static int msgh(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) return 1;
  lua_Debug ar;
  int level = 1;
  lua_pushliteral(L, "");
  while (lua_getstack(L, level++, &ar)) {
    if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
    lua_pop(L, 1);
    lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
    break;
  }
  lua_pushfstring(L, MSG_ERROR_NOT_TEXT, lua_tostring(L, -1), luaL_typename(L, 1));
  return 1;
}

static int run_loaded(sandbox *sb, int status, const char *display, cl_error *err) {
  lua_State *L = sb->L;
  if (status == LUA_OK) {
    lua_insert(L, -2);                 /* chunk, env */
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    lua_pushcfunction(L, msgh);
    lua_insert(L, -2);
    sb->instr_used = 0;
    sb->cap_where[0] = '\0';
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    status = lua_pcall(L, 0, 0, -2);
    lua_remove(L, status == LUA_OK ? -1 : -2);
  } else {
    lua_remove(L, -2); /* the env */
  }
  if (status == LUA_OK && sb->cap_where[0]) { /* caught by a pcall that ran no further */
    lua_pushfstring(L, MSG_INSTRUCTION_CAP, sb->cap_where, (LUAI_UACINT)sb->instr_limit);
    status = LUA_ERRRUN;
  }
  if (status == LUA_OK) return 0;
  const char *msg = lua_tostring(L, -1);
  if (status == LUA_ERRMEM)
    cl_fail(err, CL_EXIT_RULES, MSG_MEMORY_CAP, display, sb->mem_limit >> 20);
  else
    cl_fail(err, CL_EXIT_RULES, "%s", msg ? msg : "unknown Lua error");
  lua_pop(L, 1);
  return err->code;
}

int sandbox_run_string(sandbox *sb, const char *src, size_t len,
                       const char *display, cl_error *err) {
  char chunk[1024];
  snprintf(chunk, sizeof chunk, "@%s", display);
  if (len && src[0] == 0x1b) {
    lua_pop(sb->L, 1);
    return cl_fail(err, CL_EXIT_RULES, MSG_BINARY_CHUNK, display);
  }
  int st = luaL_loadbufferx(sb->L, src, len, chunk, "t");
  return run_loaded(sb, st, display, err);
}

int sandbox_read_file(const char *path, const char *display, char **buf, size_t *len,
                      cl_error *err) {
  /* a regular file only: a FIFO or a device would hang the run or never end */
  char why[FSAFE_WHY_MAX];
  *buf = NULL;
  *len = 0;
  int fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, RULE_FILE_MAX, why);
  if (fd < 0) {
    if (strstr(why, "larger than"))
      return cl_fail(err, CL_EXIT_RULES, MSG_RULE_FILE_TOO_BIG, display, RULE_FILE_MAX >> 20);
    return cl_fail(err, CL_EXIT_RULES, MSG_RULE_FILE_UNREADABLE, display, why);
  }
  int e = fsafe_read_all(fd, RULE_FILE_MAX, buf, len);
  close(fd);
  if (e) {
    free(*buf);
    *buf = NULL;
    if (e == EFBIG)
      return cl_fail(err, CL_EXIT_RULES, MSG_RULE_FILE_TOO_BIG, display, RULE_FILE_MAX >> 20);
    return cl_fail(err, CL_EXIT_RULES, MSG_RULE_FILE_READ_ERROR, display);
  }
  return 0;
}

int sandbox_run_file(sandbox *sb, const char *path, const char *display,
                     cl_error *err) {
  char *buf;
  size_t len;
  if (sandbox_read_file(path, display, &buf, &len, err)) {
    lua_pop(sb->L, 1);
    return err->code;
  }
  int rc = sandbox_run_string(sb, buf, len, display, err);
  free(buf);
  return rc;
}

const char *sandbox_closest_name(lua_State *L, const char *name) {
  const char *cands[256];
  size_t n = 0;
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar)) {
    const char *ln;
    for (int i = 1; n < 200 && (ln = lua_getlocal(L, &ar, i)) != NULL; i++) {
      lua_pop(L, 1);
      if (ln[0] != '(') cands[n++] = ln; /* "(temporary)" and the like */
    }
  }
  lua_pushnil(L);
  while (n < 256 && lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) cands[n++] = lua_tostring(L, -1);
  }
  if (n == 256) lua_pop(L, 1); /* the key lua_next left when stopped early */
  return suggest_closest(name, cands, n);
}

void sandbox_close(sandbox *sb) {
  if (sb->L) lua_close(sb->L);
  sb->L = NULL;
}
