/*
** log.h -- messages to stderr for people and cron logs:
** "cleave: warning: scripts/x.lua:12: ..." One logger per run, passed around.
*/
#ifndef CLEAVE_LOG_H
#define CLEAVE_LOG_H

#include <stdio.h>

enum { LOG_ERROR = 0, LOG_WARNING = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

typedef struct logger {
  int level; /* messages above this level are dropped */
  FILE *out; /* stderr unless a test redirects it */
} logger;

void log_init(logger *lg, int level, FILE *out);
void log_msg(logger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "error|warning|info|debug" -> level, or -1. */
int log_level_parse(const char *s);

#endif
