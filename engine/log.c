/* SPDX-License-Identifier: MIT */
/*
** log.c -- leveled messages to a stream (stderr by default).
**
** Every message is one line: control characters in it (a newline in a rule's
** error() or print(), a plugin's message, a value quoted from the input)
** are written escaped, as \n, \r or \xHH, here and nowhere else, so no
** message can forge a "cleave: ..." line of its own. Tabs are kept.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsafe.h"
#include "log.h"

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_init(logger *lg, int level, FILE *out) {
  lg->level = level;
  lg->out = out ? out : stderr;
  lg->out_info = 1;
  lg->file_fd = -1;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  snprintf(lg->run_id, sizeof lg->run_id, "%llx-%ld", (unsigned long long)ts.tv_sec,
           (long)getpid());
}

int log_open_file(logger *lg, const char *path, char *why, size_t whylen) {
  struct stat st;
  char reason[FSAFE_WHY_MAX];
  int fd = fsafe_open_own(path, O_WRONLY | O_APPEND, &st, reason);
  if (fd < 0) {
    snprintf(why, whylen, "%s", reason);
    return -1;
  }
  if (lg->file_fd >= 0) close(lg->file_fd);
  lg->file_fd = fd;
  return 0;
}

void log_close(logger *lg) {
  if (lg->file_fd >= 0) close(lg->file_fd);
  lg->file_fd = -1;
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

/* "2026-12-02T07:30:00.123+0100" (local time) into buf (at least 40 bytes). */
static void timestamp(char *buf, size_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  localtime_r(&ts.tv_sec, &tm);
  char zone[8];
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  strftime(zone, sizeof zone, "%z", &tm);
  snprintf(buf + n, len - n, ".%03ld%s", ts.tv_nsec / 1000000, zone);
}

/* Write head + the escaped msg + "\n" to fd or stream in one call. */
static void write_line(logger *lg, FILE *f, int fd, const char *head, const char *msg,
                       size_t len) {
  size_t hl = strlen(head), body = log_escape(msg, len, NULL);
  char small[1536];
  char *line = hl + body + 1 <= sizeof small ? small : malloc(hl + body + 1);
  if (!line) { /* out of memory: the message as it is, without escapes */
    if (f) fprintf(f, "%s%.*s\n", head, (int)len, msg);
    return;
  }
  memcpy(line, head, hl);
  log_escape(msg, len, line + hl);
  line[hl + body] = '\n';
  if (f) {
    fwrite(line, 1, hl + body + 1, f);
    fflush(f);
  } else if (write(fd, line, hl + body + 1) < 0) {
    /* a log file that cannot be written must not stop the run: stderr says so once */
    if (lg->out) fprintf(lg->out, "cleave: warning: cannot write the log file: %s\n", strerror(errno));
    close(lg->file_fd);
    lg->file_fd = -1;
  }
  if (line != small) free(line);
}

/* Format, then send to stderr (to_out) and the log file (to_file). */
static void emit(logger *lg, int level, int to_out, int to_file, const char *fmt, va_list ap) {
  const char *name = level_names[level < 0 ? 0 : level > 3 ? 3 : level];
  char small[1024];
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(small, sizeof small, fmt, ap);
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
  char head[128];
  if (to_out) {
    snprintf(head, sizeof head, "cleave: %s: ", name);
    write_line(lg, lg->out, -1, head, msg, (size_t)len);
  }
  if (to_file && lg->file_fd >= 0) {
    char ts[48];
    timestamp(ts, sizeof ts);
    snprintf(head, sizeof head, "%s %s run=%s ", ts, name, lg->run_id);
    write_line(lg, NULL, lg->file_fd, head, msg, (size_t)len);
  }
  if (msg != small) free(msg);
}

void log_msg(logger *lg, int level, const char *fmt, ...) {
  if (!lg || level > lg->level) return;
  va_list ap;
  va_start(ap, fmt);
  emit(lg, level, level <= LOG_WARNING || lg->out_info, 1, fmt, ap);
  va_end(ap);
}

void log_event(logger *lg, int level, const char *fmt, ...) {
  if (!lg || level > lg->level || lg->file_fd < 0) return;
  va_list ap;
  va_start(ap, fmt);
  emit(lg, level, 0, 1, fmt, ap);
  va_end(ap);
}

int log_level_parse(const char *s) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, level_names[i]) == 0) return i;
  return -1;
}
