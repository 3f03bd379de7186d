/* SPDX-License-Identifier: MIT */
/*
** t_sha256.c -- SHA-256 against the FIPS 180-4 / NIST test vectors, fed
** whole and in odd-sized pieces, and through sha256_fd.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "tap.h"

static void hex_of(const char *msg, size_t len, size_t piece, char out[65]) {
  sha256 s;
  sha256_init(&s);
  for (size_t i = 0; i < len; i += piece) sha256_update(&s, msg + i, len - i < piece ? len - i : piece);
  sha256_hex(&s, out);
}

int main(void) {
  static const char *const vec[][2] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"}};
  for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
    char out[65];
    size_t len = strlen(vec[i][0]);
    hex_of(vec[i][0], len, len ? len : 1, out);
    is_str(out, vec[i][1], "NIST vector %zu (%zu bytes) in one piece", i + 1, len);
    hex_of(vec[i][0], len, 7, out);
    is_str(out, vec[i][1], "NIST vector %zu in pieces of 7 bytes", i + 1);
  }
  size_t n = 1000000;
  char *a = malloc(n);
  memset(a, 'a', n);
  char out[65];
  hex_of(a, n, 4093, out);
  is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         "a million 'a's");
  char path[] = "/tmp/t_sha256.XXXXXX";
  int fd = mkstemp(path);
  ok(fd >= 0 && write(fd, a, n) == (ssize_t)n && lseek(fd, 0, SEEK_SET) == 0, "temp file written");
  ok(sha256_fd(fd, out) == 0, "sha256_fd reads it");
  is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         "sha256_fd: the same digest");
  close(fd);
  unlink(path);
  free(a);
  return done_testing();
}
