/* SPDX-License-Identifier: MIT */
/*
** plugin_trust.h -- the checks a plugin file passes before cleave maps it:
** who can write it and the folders on its path, and what its ELF header
** and dynamic symbol table say. Nothing here runs any code of the file; it
** is only read as data.
**
** The trust rule (the one ssh applies to authorized_keys and sudo to its
** files): the .so, its folder and every folder above it up to / must be
** owned by root or by the effective user running cleave, and writable by
** no one else. The plugin file and its own folder may never be group- or
** world-writable; a folder higher up may be, only if it is sticky and owned
** by root, like /tmp (no one else can rename or remove what is inside it).
** A symlink is followed; the folder it sits in and everything its target
** resolves to must pass the same rule.
*/
#ifndef CLEAVE_PLUGIN_TRUST_H
#define CLEAVE_PLUGIN_TRUST_H

#include <sys/stat.h>

#include "error.h"

/* A checked plugin file, open for loading. */
typedef struct plugin_file {
  int fd;          /* O_RDONLY|O_CLOEXEC, opened with O_NOFOLLOW on real */
  char *real;      /* the resolved path (no symlinks), malloc'ed */
  struct stat st;  /* fstat of fd */
} plugin_file;

/* Check dir, a plugin folder, and every folder above it. Errors are
** CL_EXIT_PLUGIN naming dir (as given) and the folder at fault. */
int plugin_trust_dir(const char *dir, cl_error *err);

/* Check path (its folder and the folders above, the symlink target if it is
** one, the file itself), open it, and check its ELF header and dynamic
** symbols (plugin_elf_check). On success pf holds the open file (release
** with plugin_file_close); on error nothing is left open. */
int plugin_trust_open(const char *path, plugin_file *pf, cl_error *err);

/* The ELF checks alone, on an open file of size bytes: an ELF shared object
** of this process's class, byte order and machine, whose .dynsym defines
** and exports the function CLEAVE_PLUGIN_ENTRY. path is for messages. */
int plugin_elf_check(const char *path, int fd, off_t size, cl_error *err);

void plugin_file_close(plugin_file *pf);

#endif
