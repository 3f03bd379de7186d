/*
** log.h -- messages to stderr for people and cron logs:
** "cleave: warning: scripts/x.lua:12: ..." One logger per run, passed around.
** One message is one line: control characters in it are escaped.
*/
#ifndef CLEAVE_LOG_H
#define CLEAVE_LOG_H

#include <stddef.h>
#include <stdio.h>

enum { LOG_ERROR = 0, LOG_WARNING = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

typedef struct logger {
  int level; /* messages above this level are dropped */
  FILE *out; /* stderr unless a test redirects it */
} logger;

void log_init(logger *lg, int level, FILE *out);
void log_msg(logger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* How msg (len bytes) is written in the log: control
** characters but tab escaped (\n, \r, \xHH). Returns the length; out may be
** NULL (to measure), else has room for it. */
size_t log_escape(const char *msg, size_t len, char *out);
/* "error|warning|info|debug" -> level, or -1. */
int log_level_parse(const char *s);

#endif
