/* hash: content hashes for the stage cache and figure provenance (xxHash XXH3, 128 bits).
 * Hashes are written as 32 lowercase hex digits. */
#ifndef REPRO_HASH_H
#define REPRO_HASH_H

#include <stddef.h>

enum { REPRO_HASH_HEX = 33 }; /* 32 digits and the NUL */

void repro_hash_bytes(const void *buf, size_t n, char out[REPRO_HASH_HEX]);
/* Returns 0, or -1 with repro_err() set when the file cannot be read. */
int repro_hash_file(const char *path, char out[REPRO_HASH_HEX]);

#endif
