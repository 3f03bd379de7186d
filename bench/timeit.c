/* SPDX-License-Identifier: MIT */
/*
** timeit.c -- run a command and report what it cost, without depending on
** GNU time:
**
**   timeit RESULT_FILE command [args...]
**
** appends one line "wall_s user_s sys_s maxrss_kb" to RESULT_FILE. wall is
** CLOCK_MONOTONIC around fork..wait4; user, sys and peak RSS are the child's
** own (wait4's rusage, so nothing of timeit is counted). The command's
** stdin/stdout/stderr are inherited. Exit status: the command's (128 + signal
** if it was killed); nothing is appended if it did not exit with 0.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: timeit RESULT_FILE command [args...]\n");
    return 2;
  }
  FILE *res = fopen(argv[1], "a");
  if (!res) {
    fprintf(stderr, "timeit: cannot open %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  fflush(NULL);
  double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "timeit: cannot run %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  pid_t w;
  while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {}
  double wall = now_s() - t0;
  if (w < 0) {
    fprintf(stderr, "timeit: wait4: %s\n", strerror(errno));
    return 2;
  }
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "timeit: %s killed by signal %d\n", argv[2], WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  int rc = WEXITSTATUS(status);
  if (rc == 0) fprintf(res, "%.4f %.4f %.4f %ld\n", wall, tv_s(ru.ru_utime), tv_s(ru.ru_stime),
                       ru.ru_maxrss);
  if (fclose(res) != 0) {
    fprintf(stderr, "timeit: cannot write %s\n", argv[1]);
    return 2;
  }
  return rc;
}
