#include "core/hash.h"

#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

static void hex(XXH128_hash_t h, char out[REPRO_HASH_HEX])
{
    snprintf(out, REPRO_HASH_HEX, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}

void repro_hash_bytes(const void *buf, size_t n, char out[REPRO_HASH_HEX])
{
    hex(XXH3_128bits(buf, n), out);
}

int repro_hash_file(const char *path, char out[REPRO_HASH_HEX])
{
    FILE *f = fopen(path, "rb");
    if (!f) return repro_err("cannot read '%s': %s", path, strerror(errno));
    XXH3_state_t *st = XXH3_createState();
    if (!st) {
        fclose(f);
        return repro_err("out of memory");
    }
    XXH3_128bits_reset(st);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) XXH3_128bits_update(st, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (!bad) hex(XXH3_128bits_digest(st), out);
    XXH3_freeState(st);
    return bad ? repro_err("cannot read '%s'", path) : 0;
}
