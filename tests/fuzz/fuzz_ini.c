/* SPDX-License-Identifier: MIT */
/*
** fuzz_ini.c -- engine.ini reading (engine/config.c, over inih).
**
** The input is an ini file. config_load reads a path, so the bytes go to a
** memfd read as /proc/self/fd/N (relative paths in it then resolve against
** /proc/self/fd). Checks:
**   * an error is CL_EXIT_CONFIG (or CL_EXIT_INTERNAL) with a message
**     "<path>:<line>: ..." whose line is one of the file's lines, or
**     "cannot read <path>...";
**   * on success every value is in its documented range, paths are
**     absolute (resolved) or "-" (each item of plugins' ':' list), plugin sections have valid names, no
**     duplicates, and every entry's line is one of the file's lines;
**   * loading the same bytes twice gives the same result (no state kept
**     between loads), and config_free leaves nothing behind (LeakSanitizer).
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "log.h"

#include "fuzz.h"

static int memfd = -1;
static char path[64];

static void write_file(const uint8_t *data, size_t size) {
  if (memfd < 0) {
    memfd = memfd_create("fuzz_ini", MFD_CLOEXEC);
    if (memfd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
  }
  if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size)) {
    perror("memfd write");
    abort();
  }
}

/* Physical lines as getline sees them (a last line without LF counts). */
static long count_lines(const uint8_t *d, size_t n) {
  long k = 0;
  for (size_t i = 0; i < n; i++) k += d[i] == '\n';
  return k + (n > 0 && d[n - 1] != '\n');
}

static void check_path(const char *what, const char *p, int dash_ok) {
  if (!p) return;
  FUZZ_CHECK(p[0] == '/' || (dash_ok && strcmp(p, "-") == 0), "%s = '%s' is not resolved", what,
             p);
  if (!dash_ok) FUZZ_CHECK(strcmp(p, "-") != 0, "%s = '-' was accepted", what);
}

/* plugins = A:B:...: every non-empty item resolved (absolute). */
static void check_path_list(const char *what, const char *p) {
  for (const char *q = p; q && *q;) {
    const char *e = strchr(q, ':');
    FUZZ_CHECK(*q == ':' || *q == '/', "%s = '%s': item '%.*s' is not resolved", what, p,
               (int)(e ? e - q : (long)strlen(q)), q);
    q = e ? e + 1 : NULL;
  }
}

static void check_loaded(const config *c, long nlines) {
  FUZZ_CHECK(c->threads >= 0 && c->threads <= 1024, "threads = %d", c->threads);
  FUZZ_CHECK(c->lua_instructions >= 1000, "lua_instructions = %ld", c->lua_instructions);
  FUZZ_CHECK(c->lua_memory_mb >= 1 && c->lua_memory_mb <= 65536, "lua_memory_mb = %ld",
             c->lua_memory_mb);
  FUZZ_CHECK(c->log_level >= LOG_ERROR && c->log_level <= LOG_DEBUG, "log_level = %d",
             c->log_level);
  FUZZ_CHECK(c->max_rejects >= -1, "max_rejects = %ld", c->max_rejects);
  FUZZ_CHECK(strchr(",;|\t", c->delimiter) && c->delimiter, "delimiter = %d", c->delimiter);
  FUZZ_CHECK(c->id_column && c->output, "id_column or output lost");
  check_path("rules", c->rules, 0);
  check_path_list("plugins", c->plugins);
  check_path("rejects", c->rejects, 0);
  check_path("summary", c->summary, 0);
  check_path("lock", c->lock, 0);
  check_path("[input] path", c->input, 1);
  check_path("[output] path", c->output, 1);
  for (size_t i = 0; i < c->nplugins_cfg; i++) {
    const config_section *s = &c->plugins_cfg[i];
    FUZZ_CHECK(s->name && islower((unsigned char)s->name[0]), "plugin section name '%s'",
               s->name ? s->name : "(null)");
    for (const char *p = s->name; *p; p++)
      FUZZ_CHECK(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_',
                 "plugin section name '%s'", s->name);
    FUZZ_CHECK(s->line >= 1 && s->line <= nlines, "[plugin.%s] on line %d of %ld", s->name,
               s->line, nlines);
    FUZZ_CHECK(config_plugin(c, s->name) == s, "[plugin.%s] appears twice", s->name);
    for (size_t j = 0; j < s->n; j++) {
      const cleave_config_entry *e = &s->entries[j];
      FUZZ_CHECK(e->key && e->value, "a NULL key or value in [plugin.%s]", s->name);
      FUZZ_CHECK(e->line > s->line && e->line <= nlines, "[plugin.%s] %s on line %d", s->name,
                 e->key, e->line);
      for (size_t k = 0; k < j; k++)
        FUZZ_CHECK(strcmp(s->entries[k].key, e->key) != 0, "[plugin.%s] %s twice", s->name,
                   e->key);
    }
  }
}

static void check_error(const cl_error *err, long nlines) {
  FUZZ_CHECK(err->code == CL_EXIT_CONFIG || err->code == CL_EXIT_INTERNAL, "error code %d: %s",
             err->code, err->msg);
  size_t pl = strlen(path);
  if (strncmp(err->msg, "cannot read ", 12) == 0) return;
  FUZZ_CHECK(strncmp(err->msg, path, pl) == 0 && err->msg[pl] == ':',
             "message does not start with the file name: %s", err->msg);
  const char *p = err->msg + pl + 1;
  if (isdigit((unsigned char)*p)) {
    long line = strtol(p, NULL, 10);
    FUZZ_CHECK(line >= 1 && line <= nlines, "message names line %ld of %ld: %s", line, nlines,
               err->msg);
  }
}

/* Everything config_load set, as text, to compare two loads. */
static void describe(const config *c, int rc, const cl_error *err, char *out, size_t size) {
  int n = snprintf(out, size, "%d|%s|%s|%s|%d|%d|%ld|%ld|%d|%s|%s|%d|%s|%ld|%s|%s|%s|%zu", rc,
                   rc ? err->msg : "", c->rules ? c->rules : "", c->plugins ? c->plugins : "",
                   c->threads, (int)c->as_of, c->lua_instructions, c->lua_memory_mb,
                   c->log_level, c->input ? c->input : "", c->id_column ? c->id_column : "",
                   c->delimiter, c->rejects ? c->rejects : "", c->max_rejects,
                   c->output ? c->output : "", c->summary ? c->summary : "",
                   c->lock ? c->lock : "", c->nplugins_cfg);
  for (size_t i = 0; i < c->nplugins_cfg && n > 0 && (size_t)n < size; i++)
    for (size_t j = 0; j < c->plugins_cfg[i].n && n > 0 && (size_t)n < size; j++)
      n += snprintf(out + n, size - (size_t)n, "|%s.%s=%s", c->plugins_cfg[i].name,
                    c->plugins_cfg[i].entries[j].key, c->plugins_cfg[i].entries[j].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char first[8192], second[8192];
  write_file(data, size);
  long nlines = count_lines(data, size);
  for (int round = 0; round < 2; round++) {
    config c;
    cl_error err = {0, ""};
    config_init(&c);
    /* as_of = today would differ between the two loads only at midnight */
    int rc = config_load(&c, path, &err);
    if (rc == 0) check_loaded(&c, nlines);
    else check_error(&err, nlines);
    describe(&c, rc, &err, round ? second : first, sizeof first);
    config_free(&c);
  }
  FUZZ_CHECK(strcmp(first, second) == 0, "two loads differ:\n%s\n%s", first, second);
  return 0;
}
