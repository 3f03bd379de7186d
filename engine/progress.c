/* SPDX-License-Identifier: MIT */
/*
** progress.c -- the terminal progress line (see progress.h).
*/
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define PROGRESS_EVERY 0.25 /* seconds between updates: at most 4 a second */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int progress_start(progress *p, FILE *out, const input *in, int enabled) {
  memset(p, 0, sizeof *p);
  if (!enabled || !out || !isatty(fileno(out))) return 0;
  p->out = out;
  p->in = in;
  struct stat st;
  if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode)) p->total = (uint64_t)st.st_size;
  p->start = now_s();
  p->last = p->start - PROGRESS_EVERY; /* the first chunk done shows a line */
  return 1;
}

/* 1234567 as "1,234,567". */
static void thousands(uint64_t v, char *buf, size_t len) {
  char digits[32];
  int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
  size_t o = 0;
  for (int i = 0; i < n && o + 2 < len; i++) {
    if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = '\0';
}

/* How far through the file: decoded bytes for a plain file, the file
** offset for a compressed one (its decoded size is not known). */
static double fraction(const progress *p, uint64_t bytes) {
  if (!p->total) return -1;
  uint64_t done = bytes;
  if (p->in->dc_ready && p->in->dc.kind != DECOMP_PLAIN) {
    off_t off = lseek(p->in->fd, 0, SEEK_CUR);
    done = off > 0 ? (uint64_t)off : 0;
  }
  double f = (double)done / (double)p->total;
  return f > 1 ? 1 : f;
}

void progress_tick(progress *p, uint64_t rows, uint64_t bytes) {
  if (!p->out) return;
  double t = now_s();
  if (t - p->last < PROGRESS_EVERY) return;
  p->last = t;
  double secs = t - p->start;
  char r[40];
  thousands(rows, r, sizeof r);
  char line[160];
  int n = snprintf(line, sizeof line, "\rcleave: %s rows  %.1f MB/s", r,
                   secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
  double f = fraction(p, bytes);
  if (f >= 0 && n > 0 && (size_t)n < sizeof line) {
    n += snprintf(line + n, sizeof line - (size_t)n, "  %3.0f%%", f * 100);
    if (f > 0.01 && (size_t)n < sizeof line) {
      long left = (long)(secs * (1 - f) / f + 0.5);
      n += snprintf(line + n, sizeof line - (size_t)n, "  ETA %ld:%02ld", left / 60, left % 60);
    }
  }
  flockfile(p->out);
  fputs(line, p->out);
  fputs("\033[K", p->out); /* erase what a longer previous line left */
  fflush(p->out);
  funlockfile(p->out);
  p->shown = 1;
}

void progress_hide(progress *p) {
  if (p->out && p->shown) {
    fputs("\r\033[K", p->out);
    fflush(p->out);
  }
  p->shown = 0;
}

void progress_end(progress *p) {
  progress_hide(p);
  p->out = NULL;
}
