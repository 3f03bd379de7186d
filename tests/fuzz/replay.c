/* SPDX-License-Identifier: MIT */
/*
** replay.c -- a main for a fuzz target without libFuzzer (gcc builds):
**
**   fuzz_<target>_replay [-v] PATH...
**
** Runs LLVMFuzzerTestOneInput once on every regular file of every PATH (a
** file, or a directory: its files in name order, not recursively), each
** in a buffer of exactly its size so that the sanitizers see any read past
** the end. With -v the name of each file goes to stderr before it runs, so
** the last one named is the one that crashed. Prints "replayed N inputs" and
** exits 0; a failed invariant or a sanitizer report exits non-zero.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static int run_file(const char *path, int verbose) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *data = malloc(cap);
  size_t n;
  while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) data = realloc(data, cap *= 2);
  }
  int bad = ferror(f);
  fclose(f);
  if (!data || bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    return -1;
  }
  /* exactly len bytes, so that a read past the end is caught */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) abort();
  if (len) memcpy(exact, data, len);
  free(data);
  if (verbose) fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  fflush(stderr);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int verbose, long *count) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open directory %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue; /* ., .., .gitkeep */
    if (n == cap) names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    size_t plen = strlen(dir) + strlen(names[i]) + 2;
    char *path = malloc(plen);
    snprintf(path, plen, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      if (run_file(path, verbose) != 0) rc = -1;
      else (*count)++;
    }
    free(path);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int verbose = 0, rc = 0;
  long count = 0;
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      verbose = 1;
      continue;
    }
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (run_dir(argv[i], verbose, &count) != 0) rc = 1;
    } else if (run_file(argv[i], verbose) != 0) {
      rc = 1;
    } else {
      count++;
    }
  }
  if (argc < 2) {
    fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
    return 2;
  }
  printf("replayed %ld inputs\n", count);
  return rc;
}
