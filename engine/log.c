/*
** log.c -- leveled messages to a stream (stderr by default).
**
** Every message is one line: control characters in it (a newline in a rule's
** error() or print(), a plugin's message, a value quoted from the input)
** are written escaped, as \n, \r or \xHH, here and nowhere else, so no
** message can forge a "cleave: ..." line of its own. Tabs are kept.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_init(logger *lg, int level, FILE *out) {
  lg->level = level;
  lg->out = out ? out : stderr;
}

static int is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

size_t log_escape(const char *msg, size_t len, char *out) {
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)msg[i];
    if (!is_control(c)) {
      if (out) out[n] = (char)c;
      n++;
    } else if (c == '\n' || c == '\r') {
      if (out) memcpy(out + n, c == '\n' ? "\\n" : "\\r", 2);
      n += 2;
    } else {
      if (out) {
        const char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        memcpy(out + n, esc, 4);
      }
      n += 4;
    }
  }
  return n;
}

void log_msg(logger *lg, int level, const char *fmt, ...) {
  va_list ap, ap2;
  if (!lg || level > lg->level) return;
  const char *name = level_names[level < 0 ? 0 : level > 3 ? 3 : level];
  char small[1024];
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int len = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  char *msg = small;
  if (len < 0) len = 0;
  if ((size_t)len >= sizeof small) {
    msg = malloc((size_t)len + 1);
    if (msg) vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    else {
      msg = small;
      len = (int)sizeof small - 1;
    }
  }
  va_end(ap2);
  /* "cleave: level: " + the escaped message + "\n", in one write */
  size_t head = strlen("cleave: ") + strlen(name) + 2;
  size_t body = log_escape(msg, (size_t)len, NULL);
  char line_small[1536];
  char *line = head + body + 1 <= sizeof line_small ? line_small : malloc(head + body + 1);
  if (line) {
    snprintf(line, head + 1, "cleave: %s: ", name);
    log_escape(msg, (size_t)len, line + head);
    line[head + body] = '\n';
    fwrite(line, 1, head + body + 1, lg->out);
    if (line != line_small) free(line);
  } else { /* out of memory: the message as it is, without escapes */
    fprintf(lg->out, "cleave: %s: %.*s\n", name, len, msg);
  }
  fflush(lg->out);
  if (msg != small) free(msg);
}

int log_level_parse(const char *s) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, level_names[i]) == 0) return i;
  return -1;
}
