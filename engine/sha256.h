/* SPDX-License-Identifier: MIT */
/*
** sha256.h -- SHA-256 (FIPS 180-4), for the hashes cleave records of the
** files a run used (the rule file, list files) so that two runs, or two
** shards of one run, can be told apart or matched.
*/
#ifndef CLEAVE_SHA256_H
#define CLEAVE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256 {
  uint32_t h[8];
  uint64_t len;         /* bytes hashed so far */
  unsigned char block[64];
  size_t used;          /* bytes in block */
} sha256;

void sha256_init(sha256 *s);
void sha256_update(sha256 *s, const void *p, size_t n);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(sha256 *s, char out[65]);

/* The hex digest of a file read through fd (read to its end); 0, or an
** errno value. */
int sha256_fd(int fd, char out[65]);

#endif
