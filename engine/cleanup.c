/*
** cleanup.c -- remove temporary outputs when a signal stops the run.
*/
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

#define CLEANUP_MAX 8
#define CLEANUP_PATH 4096

/* Process-wide by necessity: a signal handler can reach nothing else. */
static char pending[CLEANUP_MAX][CLEANUP_PATH];
static volatile sig_atomic_t used[CLEANUP_MAX];

static void on_signal(int sig) {
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (used[i]) unlink(pending[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

void cleanup_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

void cleanup_add(const char *path) {
  if (strlen(path) >= CLEANUP_PATH) return;
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (!used[i]) {
      strcpy(pending[i], path);
      used[i] = 1;
      return;
    }
}

void cleanup_forget(const char *path) {
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (used[i] && strcmp(pending[i], path) == 0) used[i] = 0;
}
