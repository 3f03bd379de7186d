/* SPDX-License-Identifier: MIT */
/*
** decomp.h -- compressed input read as if it were plain: gzip (zlib) and
** zstd (libzstd), chosen by the magic bytes the stream starts with, never by
** the file's name, so `-` and FIFOs work too. Concatenated gzip members and
** zstd frames are read one after another, as zcat and zstdcat do. Anything
** else is passed through untouched.
**
** A compressed stream is decoded on a thread of its own that writes into a
** pipe the reader reads, as `zcat file | cleave` would: decoding runs beside
** the CSV reading instead of before it, so it costs no more than zcat.
*/
#ifndef CLEAVE_DECOMP_H
#define CLEAVE_DECOMP_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

typedef enum decomp_kind { DECOMP_PLAIN, DECOMP_GZIP, DECOMP_ZSTD } decomp_kind;

typedef struct decomp {
  int fd;
  const char *name;     /* for messages */
  decomp_kind kind;
  int sniffed;          /* the first bytes have been looked at */
  unsigned char *in;    /* compressed bytes read, not yet decoded */
  size_t in_len, in_pos, in_cap;
  int in_eof;
  int member_done;      /* gzip: a member ended; another may follow */
  int frame_open;       /* zstd: inside a frame */
  void *z;              /* z_stream */
  void *zs;             /* ZSTD_DStream */
  /* the decoding thread: it writes to pipe_w, the reader reads pipe_r */
  pthread_t thread;
  int thread_started;
  int pipe_r, pipe_w;
  cl_error thread_err;  /* how decoding failed (read after the join) */
  int thread_rc;        /* 0, or the failure's exit code */
} decomp;

/* What the first bytes of a stream say it is (have: how many there are; 6
** are enough): DECOMP_GZIP, DECOMP_ZSTD, DECOMP_PLAIN, or -1 for a format
** cleave refuses (bzip2, xz, lz4, 7-Zip, zip, UTF-16 with a BOM), with
** *what and *fix set for the message. The one test decomp_read sniffs with
** (the fuzz harnesses ask it too). */
int decomp_magic(const void *p, size_t have, const char **what, const char **fix);

/* fd stays the caller's. name: for messages ("customers.csv.gz"). */
void decomp_init(decomp *d, int fd, const char *name);
/* Up to n decoded bytes into dst: >0 bytes, 0 at the end, -1 on an error
** (err set: CL_EXIT_INPUT, naming the file and what is wrong with it). */
ssize_t decomp_read(decomp *d, void *dst, size_t n, cl_error *err);
/* What the stream turned out to be ("gzip", "zstd", "plain"). */
const char *decomp_kind_name(const decomp *d);
void decomp_free(decomp *d);

#endif
