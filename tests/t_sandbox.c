/* SPDX-License-Identifier: MIT */
/*
** t_sandbox.c -- the Lua sandbox: what rule code cannot reach, the pattern
** ban, per-file library copies, text-only chunks, the instruction and memory
** caps (and that the state survives them), messages, print to the log.
*/
#include "tap.h" /* first: its diag buffer is named like buf.h's type */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "buf.h"
#include "error.h"
#include "log.h"
#include "sandbox.h"

#define MEM_LIMIT (16u << 20)
#define INSTR_LIMIT 1000000L

/* Run src (as rules.lua) in a fresh environment; the stack must be empty after. */
static int run(sandbox *sb, const char *src, size_t len, cl_error *err) {
  memset(err, 0, sizeof *err);
  sandbox_push_env(sb);
  int rc = sandbox_run_string(sb, src, len, "rules.lua", err);
  if (lua_gettop(sb->L) != 0) {
    ok(0, "the Lua stack is empty after running: %.60s", src);
    diag("  %d values left", lua_gettop(sb->L));
    lua_settop(sb->L, 0);
  }
  return rc;
}

/* src must run without error. */
static void runs(sandbox *sb, const char *src, const char *what) {
  cl_error err;
  int rc = run(sb, src, strlen(src), &err);
  if (!ok(rc == 0, "%s", what)) diag("  rc %d: %s", rc, err.msg);
}

/* src must fail with CL_EXIT_RULES and a message containing msg; todo is ""
** or " # TODO reason" for the message check. */
static void fails_len(sandbox *sb, const char *src, size_t len, const char *msg,
                      const char *what, const char *todo) {
  cl_error err;
  int rc = run(sb, src, len, &err);
  is_int(rc, CL_EXIT_RULES, "%s: fails with CL_EXIT_RULES", what);
  like(err.msg, msg, "%s: message%s", what, todo);
}

static void fails(sandbox *sb, const char *src, const char *msg, const char *what) {
  fails_len(sb, src, strlen(src), msg, what, "");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_unreachable(sandbox *sb) {
  static const char *const names[] = {
      "io", "os", "debug", "require", "package", "dofile", "loadfile", "load",
      "loadstring", "collectgarbage", "getmetatable", "setmetatable", "rawset",
      "rawget", "coroutine", "module", "_G", "xpcall", NULL};
  char src[256];
  for (const char *const *n = names; *n; n++) {
    snprintf(src, sizeof src, "if %s ~= nil then error('%s is reachable') end", *n, *n);
    runs(sb, src, *n);
  }
  runs(sb, "assert(string.dump == nil) assert((\"x\").dump == nil)", "string.dump absent");
  runs(sb, "assert(math.random == nil and math.randomseed == nil)",
       "math.random absent (runs must be deterministic)");
  runs(sb, "assert(type(print) == 'function' and type(pcall) == 'function' "
           "and type(string.format) == 'function' and type(table.concat) == 'function' "
           "and type(math.floor) == 'function' and type(utf8.char) == 'function' "
           "and _VERSION == 'Lua 5.4')",
       "the safe libraries are there");
  /* xpcall is gone: Lua runs its message handler with hooks off, out of the
  ** instruction cap's reach */
  fails(sb, "xpcall(function() end, print)",
        "rules.lua:1: attempt to call a nil value (global 'xpcall')", "xpcall is not defined");

  fails(sb, "io.open('x')", "rules.lua:1:", "io.open");
  fails(sb, "local a = 1\nlocal b = 2\nos.exit(3)", "rules.lua:3:", "os.exit, line 3");
  fails(sb, "require('os')", "rules.lua:1:", "require");
  fails(sb, "load('return 1')()", "rules.lua:1:", "load");
  fails(sb, "dofile('/etc/passwd')", "rules.lua:1:", "dofile");
  fails(sb, "loadfile('/etc/passwd')", "rules.lua:1:", "loadfile");
  fails(sb, "debug.getinfo(1)", "rules.lua:1:", "debug.getinfo");
  fails(sb, "collectgarbage()", "rules.lua:1:", "collectgarbage");
  fails(sb, "getmetatable('').__index.upper = nil", "rules.lua:1:", "getmetatable");
  fails(sb, "setmetatable({}, {})", "rules.lua:1:", "setmetatable");
  fails(sb, "rawset(_ENV, 'x', 1)", "rules.lua:1:", "rawset");
  fails(sb, "string.dump(print)", "rules.lua:1:", "string.dump()");
  fails(sb, "local s = 'x' s.upper = nil", "rules.lua:1:", "strings cannot be assigned into");

  /* globals a rule sets stay in its own environment */
  runs(sb, "leak = 42 _G = 1", "setting globals");
  runs(sb, "assert(leak == nil and _G == nil)", "globals do not reach the next environment");
  lua_getglobal(sb->L, "leak");
  ok(lua_isnil(sb->L, -1), "globals do not reach the state's real globals");
  lua_pop(sb->L, 1);
}

static void test_strings(sandbox *sb) {
  runs(sb, "assert(('x'):rep(3) == 'xxx') assert(string.rep('ab', 2, ',') == 'ab,ab')", "rep works");
  runs(sb, "assert(('abc'):upper() == 'ABC' and ('abc'):len() == 3 and ('abc'):sub(2) == 'bc')",
       "string methods work");
  fails(sb, "local s = ('aaa'):gsub('a', 'b')", "patterns", "method gsub");
  fails(sb, "local s = string.gsub('aaa', 'a', 'b')", "patterns", "string.gsub");
  fails(sb, "local s = string.match('abc', 'b')", "patterns", "string.match");
  fails(sb, "local s = ('a'):match('a')", "patterns", "method match");
  fails(sb, "for w in string.gmatch('a b', '%a+') do end", "patterns", "string.gmatch");
  fails(sb, "for w in ('a b'):gmatch('%a+') do end", "patterns", "method gmatch");
  fails(sb, "\nlocal s = ('aaa'):gsub('a', 'b')", "rules.lua:2:", "pattern error names the line");

  runs(sb, "local a, b = ('a.b'):find('.') assert(a == 2 and b == 2, tostring(a))",
       "find is plain: ('a.b'):find('.') == 2");
  runs(sb, "local a, b = string.find('a.b.c', '.', 3) assert(a == 4 and b == 4, tostring(a))",
       "find with init");
  runs(sb, "assert(('abcabc'):find('bc', 3) == 5)", "find with init, longer needle");
  runs(sb, "assert(('abcabc'):find('c', -1) == 6)", "find with negative init");
  runs(sb, "assert(('abc'):find('a', 5) == nil)", "find with init past the end");
  runs(sb, "assert(('abc'):find('%a') == nil and ('a%a'):find('%a') == 2)",
       "find: pattern characters are plain text");
  runs(sb, "local a, b = ('abc'):find('') assert(a == 1 and b == 0)", "find of the empty string");
  runs(sb, "assert(('a\\0b'):find('\\0b') == 2)", "find across a NUL");

  /* per-environment copies: one rule file cannot change another's strings */
  runs(sb, "string.upper = function() return 'pwned' end string.find = nil "
           "assert(string.upper('x') == 'pwned')",
       "a rule may replace its own string.upper");
  runs(sb, "assert(('abc'):upper() == 'ABC', ('abc'):upper()) "
           "assert(string.upper('abc') == 'ABC') assert(('a.b'):find('.') == 2)",
       "a fresh environment still has the real upper and find");
  runs(sb, "string.upper = nil assert(('abc'):upper() == 'ABC')",
       "methods on strings do not use the rule's string table");
}

typedef struct dump_buf {
  buf b;
} dump_buf;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  buf_put(&((dump_buf *)ud)->b, p, sz);
  return 0;
}

static void test_binary(sandbox *sb, const char *dir) {
  dump_buf d = {{0}};
  lua_State *L = luaL_newstate();
  if (!ok(L && luaL_loadstring(L, "x = 1") == LUA_OK, "plain state compiles a chunk")) return;
  lua_dump(L, dump_writer, &d, 0);
  lua_close(L);
  ok(d.b.len > 4 && d.b.p[0] == 0x1b, "lua_dump made a binary chunk");
  fails_len(sb, d.b.p, d.b.len, "must be text", "binary chunk refused", "");

  char path[512];
  snprintf(path, sizeof path, "%s/compiled.luac", dir);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(d.b.p, 1, d.b.len, f);
    fclose(f);
  }
  cl_error err = {0};
  sandbox_push_env(sb);
  int rc = sandbox_run_file(sb, path, "scripts/compiled.lua", &err);
  is_int(rc, CL_EXIT_RULES, "binary rule file refused");
  like(err.msg, "scripts/compiled.lua: is a compiled Lua chunk; rule files must be text",
       "binary rule file: message");
  is_int(lua_gettop(sb->L), 0, "binary rule file: stack empty");
  buf_free(&d.b);
}

/* Run src in a child process with a wall-clock limit: a sandbox whose cap
** can be dodged must fail the test, not hang it. The child reports through a
** pipe, so a memory checker's own exit status (the child inherits the
** parent's heap) is told apart from the verdict. Returns 1 = stopped with a
** message containing msg, 0 = other outcome, -1 = hung, 2 = stopped as
** expected but the child then exited non-zero (*status says how). */
static int run_bounded(sandbox *parent, const char *src, const char *msg, double seconds,
                       int *status) {
  int fds[2];
  *status = 0;
  if (pipe(fds) != 0) return 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return 0;
  }
  if (pid == 0) {
    sandbox sb;
    cl_error err = {0};
    close(fds[0]);
    sandbox_close(parent); /* not ours to keep: leave nothing behind */
    char verdict = '0';
    if (sandbox_open(&sb, MEM_LIMIT, 100000L, NULL, &err) == 0) {
      sandbox_push_env(&sb);
      int rc = sandbox_run_string(&sb, src, strlen(src), "rules.lua", &err);
      sandbox_close(&sb);
      verdict = rc == CL_EXIT_RULES && strstr(err.msg, msg) ? '1' : '0';
    }
    ssize_t w = write(fds[1], &verdict, 1);
    close(fds[1]);
    _exit(w == 1 ? 0 : 1);
  }
  close(fds[1]);
  double t0 = now();
  int verdict = -1;
  for (;;) {
    pid_t w = waitpid(pid, status, WNOHANG);
    if (w == pid) {
      char c = '0';
      verdict = read(fds[0], &c, 1) == 1 && c == '1' ? 1 : 0;
      if (verdict == 1 && !(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)) verdict = 2;
      break;
    }
    if (w < 0 && errno != EINTR) {
      verdict = 0;
      break;
    }
    if (now() - t0 > seconds) {
      kill(pid, SIGKILL);
      waitpid(pid, status, 0);
      break;
    }
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
  close(fds[0]);
  return verdict;
}

static const char *bounded_outcome(int v, int status, double seconds) {
  static char out[96];
  if (v < 0) snprintf(out, sizeof out, "hung, killed after %.1f s", seconds);
  else if (v == 1) snprintf(out, sizeof out, "stopped");
  else if (v == 2)
    snprintf(out, sizeof out, "stopped, but the child exited with status %d",
             WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
  else snprintf(out, sizeof out, "other outcome");
  return out;
}

#define CAP_MSG                                                                        \
  "stopped after 1000000 Lua instructions: does the rule file loop forever? (limit: " \
  "lua_instructions in engine.ini)"

/* Run src; its message must be exactly want. */
static void fails_exactly(sandbox *sb, const char *src, const char *want, const char *what) {
  cl_error err;
  int rc = run(sb, src, strlen(src), &err);
  is_int(rc, CL_EXIT_RULES, "%s: fails with CL_EXIT_RULES", what);
  is_str(err.msg, want, "%s: message", what);
}

static void test_instructions(sandbox *sb) {
  double t0 = now();
  fails_exactly(sb, "while true do end", "rules.lua:1: " CAP_MSG, "endless loop stopped");
  fails_exactly(sb, "local n = 0\nwhile true do n = n + 1 end", "rules.lua:2: " CAP_MSG,
                "endless loop stopped again (the hook survives the error)");
  ok(now() - t0 < 5.0, "endless loops stopped quickly (%.2f s)", now() - t0);
  runs(sb, "local n = 0 for i = 1, 1000 do n = n + i end assert(n == 500500)",
       "the state runs code after the cap");
  /* ~500k instructions each: the count starts again for every chunk */
  for (int i = 0; i < 3; i++)
    runs(sb, "local x = 0 for i = 1, 200000 do x = x + i end", "the budget is per chunk");

  /* where the loop is */
  fails(sb, "local n = 0\nwhile true do n = n + 1 end", "rules.lua:2:",
        "instruction cap names the looping line");
  fails(sb, "local function spin()\n  while true do end\nend\nspin()\n", "rules.lua:2:",
        "instruction cap in a function names the loop, not the call");
  fails_exactly(sb, "local s = 0\nfor i = 1, 1e12 do\n  s = s + i\nend\n", "rules.lua:3: " CAP_MSG,
                "instruction cap names the loop body's line");

  /* the cap's error must not be swallowed by the rule's own pcall */
  fails(sb, "local ok, e = pcall(function() while true do end end)\n"
            "error('carried on after the cap', 0)",
        CAP_MSG, "pcall around an endless loop: stopped");
  fails(sb, "for i = 1, 10 do pcall(function() while true do end end) end", "stopped after",
        "pcall around an endless loop, in a loop: stopped");
  fails(sb, "local ok = pcall(pcall, function() while true do end end)\nlocal x = 1",
        "stopped after", "pcall(pcall, loop): stopped");
  fails(sb, "local t = {3, 2, 1}\n"
            "table.sort(t, function(a, b)\n"
            "  pcall(function() while true do end end) return a < b end)",
        "stopped after", "pcall inside a table.sort comparator: stopped");
  {
    cl_error err;
    const char *src = "local function spin()\n  while true do end\nend\nlocal ok = pcall(spin)\n"
                      "local x = 1\n";
    int rc = run(sb, src, strlen(src), &err);
    is_int(rc, CL_EXIT_RULES, "pcall around a loop in a function: stopped");
    like(err.msg, CAP_MSG, "pcall around a loop in a function: the cap's message");
    /* the first error (line 2) is caught; the next instruction fails with the
    ** place where the limit was reached */
    like(err.msg, "rules.lua:2: ", "pcall around a loop in a function: the message names the "
                                   "loop's line");
  }
  {
    /* `return pcall(...)` is a tail call: no Lua instruction runs after it */
    cl_error err;
    const char *src = "return pcall(function() while true do end end)";
    int rc = run(sb, src, strlen(src), &err);
    is_int(rc, CL_EXIT_RULES, "a file ending in `return pcall(loop)` still fails on the cap");
    like(err.msg, "rules.lua:1: ", "`return pcall(loop)`: the message names the loop's line");
  }

  int status;
  int v = run_bounded(sb, "while true do pcall(function() while true do end end) end",
                      "instructions", 5.0, &status);
  ok(v == 1, "pcall cannot catch the instruction cap and loop forever (%s)",
     bounded_outcome(v, status, 5.0));
  /* xpcall ran its message handler with hooks off, out of the cap's reach:
  ** it is not in a rule file's environment any more */
  v = run_bounded(sb, "xpcall(function() while true do end end, function() while true do end end)",
                  "attempt to call a nil value (global 'xpcall')", 5.0, &status);
  ok(v == 1, "an xpcall handler cannot loop forever: xpcall is not defined (%s)",
     bounded_outcome(v, status, 5.0));
}

static void test_memory(void) {
  /* a state with room for instructions, so the memory cap is what stops them */
  sandbox big;
  cl_error err = {0};
  if (!ok(sandbox_open(&big, MEM_LIMIT, 1000000000L, NULL, &err) == 0, "sandbox for memory")) return;
  double t0 = now();
  fails(&big, "local t = {} for i = 1, 1e9 do t[i] = i end", "memory", "table growth hits the cap");
  fails(&big, "local s = string.rep('x', 1e9)", "memory", "string.rep hits the cap");
  fails(&big, "local s = ('x'):rep(1e9)", "16 MB", "the memory message gives the limit");
  fails(&big, "local t = {} for i = 1, 1e9 do t[#t + 1] = ('x'):rep(100) .. i end", "memory",
        "many small strings hit the cap");
  diag("memory caps hit in %.2f s", now() - t0);
  ok(big.mem_used <= MEM_LIMIT, "accounted memory stays under the cap (%zu)", big.mem_used);
  cl_error e2;
  is_int(run(&big, "local function f() return f() + 1 end f()", 41, &e2), CL_EXIT_RULES,
         "deep recursion ends in an error (the stack counts against the cap)");
  runs(&big, "assert(('x'):rep(3) == 'xxx')", "the state runs code after the cap");
  runs(&big, "local s = ('x'):rep(4e6) assert(#s == 4e6)",
       "after the cap, the garbage is reclaimed (4 MB string fits)");

  fails(&big, "local s = ('x'):rep(1e9)", "memory", "memory cap again");
  fails_exactly(&big, "local s = ('x'):rep(1e9)",
                "rules.lua: rule file used more than 16 MB of memory (limit: lua_memory_mb in "
                "engine.ini)",
                "the memory message in full");
  fails(&big, "x = = 1", "rules.lua:1:", "a syntax error right after a memory error");
  fails(&big, "assert(not pcall(string.rep, 'x', 1e9))\nerror('boom')", "rules.lua:2: boom",
        "a caught memory error does not relabel a later error");
  sandbox_close(&big);
}

static void test_messages(sandbox *sb) {
  fails(sb, "local x = 1\nx = = 2\n", "rules.lua:2:", "syntax error: name:line:");
  fails(sb, "local x = 1\nx = = 2\n", "near '='", "syntax error: says near what");
  fails(sb, "local function f()\n  local x = nil\n  return x.y\nend\n"
            "local function g() return f() end\ng()\n",
        "rules.lua:3: attempt to index a nil value (local 'x')", "runtime error in a nested function");
  fails(sb, "local function check(v)\n  if not v then error('need a value', 2) end\nend\n"
            "check(1)\ncheck(nil)\n",
        "rules.lua:5: need a value", "error level 2 points at the caller");
  fails(sb, "error({})", "table", "a non-string error value is described");
  fails(sb, "error()", "nil", "error() with no value");
}

static char *slurp(FILE *f) {
  buf b = {0};
  char tmp[4096];
  size_t n;
  fflush(f);
  rewind(f);
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_put(&b, tmp, n);
  buf_putc(&b, '\0');
  return b.p;
}

static void test_print(void) {
  FILE *f = tmpfile();
  logger lg;
  sandbox sb;
  cl_error err = {0};
  if (!ok(f != NULL, "tmpfile for the log")) return;
  log_init(&lg, LOG_INFO, f);
  if (!ok(sandbox_open(&sb, MEM_LIMIT, INSTR_LIMIT, &lg, &err) == 0, "sandbox with a logger")) {
    fclose(f);
    return;
  }
  ok(sandbox_of(sb.L) == &sb, "sandbox_of finds the sandbox");
  runs(&sb, "print('hello', 42, nil, true)", "print runs");
  runs(&sb, "\nprint(('y'):rep(5000))", "a long print runs");
  runs(&sb, "print()", "an empty print runs");
  char *log = slurp(f);
  char *second = strchr(log, '\n');
  if (second) *second++ = '\0';
  like(log, "cleave: info: ", "print goes to the log at info level");
  like(log, "hello\t42\tnil\ttrue", "print: values tab-separated");
  char *ys = cl_malloc(5002);
  memset(ys, 'y', 5000);
  ys[5000] = '\n';
  ys[5001] = '\0';
  ok(second && strstr(second, ys) != NULL, "print: a long line arrives whole");
  free(ys);
  if (second) second[40] = '\0'; /* its start is enough */
  like(log, "rules.lua:1: hello", "print names the file and line");
  is_str(second, "cleave: info: rules.lua:2: yyyyyyyyyyyyy", "long print names the file and line");
  free(log);
  sandbox_close(&sb);
  fclose(f);

  /* below the info level, print is silent */
  f = tmpfile();
  log_init(&lg, LOG_WARNING, f);
  sandbox_open(&sb, MEM_LIMIT, INSTR_LIMIT, &lg, &err);
  runs(&sb, "print('quiet')", "print at warning level runs");
  log = slurp(f);
  is_str(log, "", "print at warning level writes nothing");
  free(log);
  sandbox_close(&sb);
  fclose(f);
}

static void test_files(sandbox *sb, const char *dir) {
  cl_error err = {0};
  char path[512];
  snprintf(path, sizeof path, "%s/missing.lua", dir);
  sandbox_push_env(sb);
  int rc = sandbox_run_file(sb, path, "scripts/missing.lua", &err);
  is_int(rc, CL_EXIT_RULES, "missing rule file: CL_EXIT_RULES");
  like(err.msg, "cannot read", "missing rule file: 'cannot read'");
  like(err.msg, "scripts/missing.lua", "missing rule file: names it");
  is_int(lua_gettop(sb->L), 0, "missing rule file: stack empty");

  snprintf(path, sizeof path, "%s/bad.lua", dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("local ok = true\nlocal t = nil\nlocal v = t.x\n", f);
    fclose(f);
  }
  memset(&err, 0, sizeof err);
  sandbox_push_env(sb);
  rc = sandbox_run_file(sb, path, "scripts/bad.lua", &err);
  is_int(rc, CL_EXIT_RULES, "rule file with an error: CL_EXIT_RULES");
  like(err.msg, "scripts/bad.lua:3: attempt to index", "rule file error: display:line:");

  snprintf(path, sizeof path, "%s/good.lua", dir);
  f = fopen(path, "w");
  if (f) {
    fputs("answer = ('x'):rep(2)\n", f);
    fclose(f);
  }
  memset(&err, 0, sizeof err);
  sandbox_push_env(sb);
  lua_pushvalue(sb->L, -1); /* keep the env to look at afterwards */
  rc = sandbox_run_file(sb, path, "scripts/good.lua", &err);
  is_int(rc, 0, "good rule file runs");
  lua_getfield(sb->L, -1, "answer");
  is_str(lua_tostring(sb->L, -1), "xx", "the file's globals land in the env it was given");
  lua_settop(sb->L, 0);

  snprintf(path, sizeof path, "%s", dir);
  memset(&err, 0, sizeof err);
  sandbox_push_env(sb);
  rc = sandbox_run_file(sb, path, "scripts/", &err);
  is_int(rc, CL_EXIT_RULES, "a directory as rule file: CL_EXIT_RULES");
  is_int(lua_gettop(sb->L), 0, "a directory as rule file: stack empty");
}

int main(void) {
  char dir[] = "/tmp/t_sandbox.XXXXXX";
  sandbox sb;
  cl_error err = {0};
  if (!mkdtemp(dir)) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return done_testing();
  }
  if (!ok(sandbox_open(&sb, MEM_LIMIT, INSTR_LIMIT, NULL, &err) == 0, "sandbox_open")) {
    diag("  %s", err.msg);
    return done_testing();
  }
  ok(sb.mem_used > 0 && sb.mem_used < MEM_LIMIT, "memory is accounted (%zu bytes)", sb.mem_used);
  test_unreachable(&sb);
  test_strings(&sb);
  test_binary(&sb, dir);
  test_messages(&sb);
  test_instructions(&sb);
  test_memory();
  test_files(&sb, dir);
  sandbox_close(&sb);
  test_print();

  char path[512];
  static const char *const files[] = {"compiled.luac", "bad.lua", "good.lua", NULL};
  for (const char *const *f = files; *f; f++) {
    snprintf(path, sizeof path, "%s/%s", dir, *f);
    unlink(path);
  }
  rmdir(dir);
  return done_testing();
}
