/* SPDX-License-Identifier: MIT */
/*
** plugin_trust.c -- who may write a plugin and the folders above it, and
** what its ELF header and .dynsym say, checked before it is mapped (see
** plugin_trust.h for the rule). The file is only ever read with pread.
*/
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "cleave/plugin.h"
#include "messages.h"
#include "plugin_trust.h"

/* The ELF header of the running program (defined by the linker): the class,
** byte order and machine a plugin must have to be loadable here. */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

/* Sections bigger than this are not read (a real .dynsym is kilobytes). */
#define ELF_SECTION_MAX ((uint64_t)64 << 20)

/* ---- who may write ------------------------------------------------------- */

static const char *who_of(mode_t m) {
  if ((m & S_IWGRP) && (m & S_IWOTH)) return "group and others";
  return (m & S_IWGRP) ? "group" : "others";
}

static const char *chmod_of(mode_t m) {
  if ((m & S_IWGRP) && (m & S_IWOTH)) return "go-w";
  return (m & S_IWGRP) ? "g-w" : "o-w";
}

static int trusted_owner(uid_t uid) { return uid == 0 || uid == geteuid(); }

/* The folder part of path: "." for a bare name, "/" for "/x". */
static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return cl_strdup(".");
  if (slash == path) return cl_strdup("/");
  return cl_strndup(path, (size_t)(slash - path));
}

/* Check real (absolute, resolved) and every folder above it up to /. The
** first, real itself, is the folder the plugin is listed in: it may not be
** writable by anyone else at all. kind names it in messages. */
static int check_chain(const char *subject, const char *real, const char *kind,
                       cl_error *err) {
  char *p = cl_strdup(real);
  int leaf = 1, rc = 0;
  for (;;) {
    struct stat st;
    mode_t w;
    if (lstat(p, &st) != 0) {
      rc = cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_CHECK, subject, p, strerror(errno));
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      rc = cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CHANGED, subject, p);
      break;
    }
    if (!trusted_owner(st.st_uid)) {
      rc = cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_OWNER, subject, leaf ? kind : "folder", p,
                   (unsigned)st.st_uid, (unsigned)geteuid(), p);
      break;
    }
    w = st.st_mode & (S_IWGRP | S_IWOTH);
    if (w && leaf) {
      rc = cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_FOLDER_WRITABLE, subject, kind, p, who_of(w),
                   (unsigned)(st.st_mode & 07777), chmod_of(w), p);
      break;
    }
    if (w && !((st.st_mode & S_ISVTX) && st.st_uid == 0)) {
      rc = cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_PARENT_WRITABLE, subject, p, who_of(w),
                   (unsigned)(st.st_mode & 07777), chmod_of(w), p);
      break;
    }
    char *slash = strrchr(p, '/');
    if (!slash || slash[1] == '\0') break; /* "/" checked */
    if (slash == p) slash[1] = '\0';
    else *slash = '\0';
    leaf = 0;
  }
  free(p);
  return rc;
}

/* realpath(folder) and check_chain; *real gets the resolved folder. */
static int check_folder(const char *subject, const char *folder, const char *kind,
                        char **real, cl_error *err) {
  char *r = realpath(folder, NULL);
  if (!r) return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_CHECK, subject, folder,
                         strerror(errno));
  if (check_chain(subject, r, kind, err)) {
    free(r);
    return err->code;
  }
  *real = r;
  return 0;
}

int plugin_trust_dir(const char *dir, cl_error *err) {
  char *real = NULL;
  if (check_folder(dir, dir, "plugin folder", &real, err)) return err->code;
  free(real);
  return 0;
}

/* The open file itself (real: its resolved path): regular, owned by root or
** us, writable by no one else. */
static int check_file(const char *path, const char *real, const struct stat *st,
                      cl_error *err) {
  mode_t w = st->st_mode & (S_IWGRP | S_IWOTH);
  if (!S_ISREG(st->st_mode)) return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_NOT_REGULAR, path);
  if (!trusted_owner(st->st_uid))
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_OWNER, path, "plugin file", real,
                   (unsigned)st->st_uid, (unsigned)geteuid(), real);
  if (w)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_FILE_WRITABLE, path, who_of(w),
                   (unsigned)(st->st_mode & 07777), chmod_of(w), real);
  return 0;
}

/* Check the folder of path, the target of a symlink and its folder; open the
** resolved path (O_NOFOLLOW: no symlink can be swapped in at the end). */
static int open_checked(const char *path, plugin_file *pf, cl_error *err) {
  struct stat lst;
  char *folder, *rfolder = NULL, *tfolder, *rtfolder = NULL;
  if (lstat(path, &lst) != 0)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_OPEN, path, strerror(errno));
  if (!S_ISREG(lst.st_mode) && !S_ISLNK(lst.st_mode))
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_NOT_REGULAR, path);
  folder = folder_of(path);
  int rc = check_folder(path, folder, "plugin folder", &rfolder, err);
  free(folder);
  if (rc) return rc;
  pf->real = realpath(path, NULL);
  if (!pf->real) {
    free(rfolder);
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_OPEN, path, strerror(errno));
  }
  tfolder = folder_of(pf->real);
  if (strcmp(tfolder, rfolder) != 0)
    rc = check_folder(path, tfolder, "symlink target folder", &rtfolder, err);
  free(tfolder);
  free(rtfolder);
  free(rfolder);
  if (rc) return rc;
  pf->fd = open(pf->real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (pf->fd < 0)
    return errno == ELOOP ? cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CHANGED, path, pf->real)
                          : cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_OPEN, path,
                                    strerror(errno));
  if (fstat(pf->fd, &pf->st) != 0)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_TRUST_CANNOT_CHECK, path, pf->real,
                   strerror(errno));
  return check_file(path, pf->real, &pf->st, err);
}

int plugin_trust_open(const char *path, plugin_file *pf, cl_error *err) {
  pf->fd = -1;
  pf->real = NULL;
  if (open_checked(path, pf, err) || plugin_elf_check(path, pf->fd, pf->st.st_size, err)) {
    plugin_file_close(pf);
    return err->code;
  }
  return 0;
}

void plugin_file_close(plugin_file *pf) {
  if (pf->fd >= 0) close(pf->fd);
  free(pf->real);
  pf->fd = -1;
  pf->real = NULL;
}

/* ---- the ELF file, read as data ---------------------------------------- */

/* off + n lies within size bytes (no overflow). */
static int within(uint64_t off, uint64_t n, uint64_t size) {
  return off <= size && n <= size - off;
}

/* A section's bytes, malloc'ed; NULL if out of bounds or too big. */
static void *read_section(int fd, const ElfW(Shdr) *sh, uint64_t size) {
  if (sh->sh_size == 0 || sh->sh_size > ELF_SECTION_MAX ||
      !within(sh->sh_offset, sh->sh_size, size))
    return NULL;
  void *buf = cl_malloc((size_t)sh->sh_size);
  if (io_pread_all(fd, buf, (size_t)sh->sh_size, (off_t)sh->sh_offset) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static const char *elf_type_name(unsigned t) {
  switch (t) {
  case ET_EXEC: return "an executable";
  case ET_REL: return "an object file (.o)";
  case ET_CORE: return "a core dump";
  default: return "an ELF file of an unknown type";
  }
}

static int bits_of(unsigned char cls) {
  return cls == ELFCLASS32 ? 32 : cls == ELFCLASS64 ? 64 : 0;
}

/* The header: ELF, this class, byte order and machine, a shared object. */
static int check_header(const char *path, int fd, uint64_t size, ElfW(Ehdr) *eh,
                        cl_error *err) {
  const ElfW(Ehdr) *host = &__ehdr_start;
  unsigned char id[EI_NIDENT];
  if (size < EI_NIDENT || io_pread_all(fd, id, sizeof id, (off_t)(0)) != 0 ||
      memcmp(id, ELFMAG, SELFMAG) != 0)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_NOT_ELF, path);
  if (id[EI_CLASS] != host->e_ident[EI_CLASS]) {
    if (!bits_of(id[EI_CLASS]))
      return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "unknown ELF class");
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_CLASS, path, (unsigned)bits_of(id[EI_CLASS]),
                   (unsigned)bits_of(host->e_ident[EI_CLASS]));
  }
  if (id[EI_DATA] != host->e_ident[EI_DATA])
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_BYTE_ORDER, path);
  if (size < sizeof *eh || io_pread_all(fd, eh, sizeof *eh, (off_t)(0)) != 0)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "shorter than its header");
  if (eh->e_machine != host->e_machine)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_MACHINE, path, (unsigned)eh->e_machine,
                   (unsigned)host->e_machine);
  if (eh->e_type != ET_DYN)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_NOT_SHARED, path, elf_type_name(eh->e_type));
  return 0;
}

/* The section headers (*n of them), malloc'ed. */
static ElfW(Shdr) *read_sections(const char *path, int fd, uint64_t size,
                                 const ElfW(Ehdr) *eh, size_t *n, cl_error *err) {
  uint64_t count = eh->e_shnum;
  ElfW(Shdr) first;
  if (eh->e_shoff == 0) {
    cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_NO_DYNSYM, path);
    return NULL;
  }
  if (eh->e_shentsize != sizeof(ElfW(Shdr)) ||
      !within(eh->e_shoff, sizeof first, size) ||
      io_pread_all(fd, &first, sizeof first, (off_t)(eh->e_shoff)) != 0) {
    cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "bad section header table");
    return NULL;
  }
  if (count == 0) count = first.sh_size; /* more than 0xff00 sections */
  if (count == 0 || count > ELF_SECTION_MAX / sizeof first ||
      !within(eh->e_shoff, count * sizeof first, size)) {
    cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "bad section header table");
    return NULL;
  }
  ElfW(Shdr) *sh = cl_malloc((size_t)count * sizeof *sh);
  if (io_pread_all(fd, sh, (size_t)count * sizeof *sh, (off_t)eh->e_shoff) != 0) {
    free(sh);
    cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "bad section header table");
    return NULL;
  }
  *n = (size_t)count;
  return sh;
}

/* The symbol is a function defined in the file and visible to dlsym. */
static int exports(const ElfW(Sym) *s, const char *strs, size_t nstrs, const char *name) {
  size_t len = strlen(name);
  unsigned bind = ELF64_ST_BIND(s->st_info), vis = ELF64_ST_VISIBILITY(s->st_other);
  if (s->st_name >= nstrs || nstrs - s->st_name <= len) return 0;
  if (memcmp(strs + s->st_name, name, len + 1) != 0) return 0;
  return s->st_shndx != SHN_UNDEF && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
         (bind == STB_GLOBAL || bind == STB_WEAK) &&
         (vis == STV_DEFAULT || vis == STV_PROTECTED);
}

/* .dynsym (and the string table it links to) defines CLEAVE_PLUGIN_ENTRY. */
static int check_entry(const char *path, int fd, uint64_t size, const ElfW(Shdr) *sh,
                       size_t nsh, cl_error *err) {
  const ElfW(Shdr) *dyn = NULL;
  for (size_t i = 0; i < nsh && !dyn; i++)
    if (sh[i].sh_type == SHT_DYNSYM) dyn = &sh[i];
  if (!dyn) return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_NO_DYNSYM, path);
  if (dyn->sh_entsize != sizeof(ElfW(Sym)) || dyn->sh_link >= nsh ||
      sh[dyn->sh_link].sh_type != SHT_STRTAB)
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "bad .dynsym");
  ElfW(Sym) *syms = read_section(fd, dyn, size);
  char *strs = read_section(fd, &sh[dyn->sh_link], size);
  int found = 0;
  if (!syms || !strs) {
    free(syms);
    free(strs);
    return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_DAMAGED, path, "unreadable .dynsym");
  }
  size_t nsyms = (size_t)(dyn->sh_size / sizeof *syms);
  size_t nstrs = (size_t)sh[dyn->sh_link].sh_size;
  for (size_t i = 1; i < nsyms && !found; i++)
    found = exports(&syms[i], strs, nstrs, CLEAVE_PLUGIN_ENTRY);
  free(syms);
  free(strs);
  if (!found) return cl_fail(err, CL_EXIT_PLUGIN, MSG_ELF_NO_ENTRY, path, CLEAVE_PLUGIN_ENTRY);
  return 0;
}

int plugin_elf_check(const char *path, int fd, off_t size, cl_error *err) {
  ElfW(Ehdr) eh;
  size_t nsh = 0;
  uint64_t sz = size > 0 ? (uint64_t)size : 0;
  if (check_header(path, fd, sz, &eh, err)) return err->code;
  ElfW(Shdr) *sh = read_sections(path, fd, sz, &eh, &nsh, err);
  if (!sh) return err->code;
  int rc = check_entry(path, fd, sz, sh, nsh, err);
  free(sh);
  return rc;
}
