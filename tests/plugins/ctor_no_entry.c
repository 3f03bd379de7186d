/* SPDX-License-Identifier: MIT */
/*
** ctor_no_entry.c -- a shared object with an ELF constructor and no
** cleave_plugin_entry. The constructor writes the file named by
** CLEAVE_TEST_CTOR_MARKER: the loader must refuse the file from its ELF
** symbol table, before dlopen, so the marker is never written.
*/
#include <stdio.h>
#include <stdlib.h>

#include "cleave/plugin.h"

__attribute__((constructor)) static void ctor_marker(void) {
  const char *path = getenv("CLEAVE_TEST_CTOR_MARKER");
  if (!path || !*path) return;
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs("the constructor of ctor_no_entry.so ran\n", f);
  fclose(f);
}

CLEAVE_EXPORT int not_a_plugin_entry(void);
int not_a_plugin_entry(void) { return 7; }
