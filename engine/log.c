/*
** log.c -- leveled messages to a stream (stderr by default).
*/
#include <stdarg.h>
#include <string.h>

#include "log.h"

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_init(logger *lg, int level, FILE *out) {
  lg->level = level;
  lg->out = out ? out : stderr;
}

void log_msg(logger *lg, int level, const char *fmt, ...) {
  va_list ap;
  if (!lg || level > lg->level) return;
  fprintf(lg->out, "cleave: %s: ", level_names[level < 0 ? 0 : level > 3 ? 3 : level]);
  va_start(ap, fmt);
  vfprintf(lg->out, fmt, ap);
  va_end(ap);
  fputc('\n', lg->out);
  fflush(lg->out);
}

int log_level_parse(const char *s) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, level_names[i]) == 0) return i;
  return -1;
}
