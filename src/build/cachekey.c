/* cachekey: what a stage's run is keyed by besides its files (see cachekey.h). */
#include "build/cachekey.h"

#include "core/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *repro_engine_hash(void)
{
    static char h[REPRO_HASH_HEX];
    if (!h[0] && repro_hash_file("/proc/self/exe", h) != 0) snprintf(h, sizeof h, "unknown");
    return h;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *repro_overrides_string(const char *const *over, size_t n)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    size_t len = 1;
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = over[i];
        len += strlen(over[i]) + 1;
    }
    qsort(v, n, sizeof *v, cmpstr);
    char *s = malloc(len);
    if (s) {
        s[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (i) strcat(s, " ");
            strcat(s, v[i]);
        }
    }
    free(v);
    return s;
}
