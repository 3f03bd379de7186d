/* SPDX-License-Identifier: MIT */
/*
** sandbox.h -- a Lua 5.4 state for running untrusted-ish rule files:
** capped memory, capped instructions, only base/string/table/math/utf8
** (copied per file, without io, os, debug, require, load, dofile, string.dump
** or pattern matching, whose backtracking a count hook cannot interrupt),
** text chunks only.
*/
#ifndef CLEAVE_SANDBOX_H
#define CLEAVE_SANDBOX_H

#include <stddef.h>

#include <lua.h>

#include "error.h"
#include "log.h"

typedef struct sandbox {
  lua_State *L;
  size_t mem_used, mem_limit;
  long instr_used, instr_limit;
  char cap_where[256]; /* "file:line:" where the instruction limit was reached */
  logger *log;        /* print() goes here */
  void *user;         /* the caller's context (the DSL builder) */
} sandbox;

/* Create the state. mem_limit in bytes, instr_limit in VM instructions. */
int sandbox_open(sandbox *sb, size_t mem_limit, long instr_limit, logger *log,
                 cl_error *err);

/* Push a fresh environment table holding the safe library copies. */
void sandbox_push_env(sandbox *sb);

/* Load path (shown as display in messages) as text and run it with the
** table at the top of the stack as _ENV (popped). Lua errors, sandbox caps
** and unreadable files become CL_EXIT_RULES errors "display:line: message". */
int sandbox_run_file(sandbox *sb, const char *path, const char *display,
                     cl_error *err);

/* Read a rule file the way sandbox_run_file does (a regular file, at most
** RULE_FILE_MAX bytes) into *buf (malloc'd), without running it. */
int sandbox_read_file(const char *path, const char *display, char **buf, size_t *len,
                      cl_error *err);

/* Same, from a string already in memory (tests, `cleave test`). */
int sandbox_run_string(sandbox *sb, const char *src, size_t len,
                       const char *display, cl_error *err);

/* For an __index handler on an environment (the table at index 1): the
** closest name to `name` among the caller's locals and the table's keys,
** or NULL. The result points into the Lua state; use it before returning. */
const char *sandbox_closest_name(lua_State *L, const char *name);

/* The sandbox owning L (stored in the state's extra space). */
sandbox *sandbox_of(lua_State *L);

void sandbox_close(sandbox *sb);

#endif
