/* fuzz.h: shared plumbing of the libFuzzer harnesses (make fuzz).  The engine's readers take file
 * paths, so each input is written to a scratch file in a private folder, removed at exit.  (The
 * current folder stays: libFuzzer reads its corpus by relative paths after the first input.) */
#ifndef REPRO_FUZZ_H
#define REPRO_FUZZ_H

#include "core/blascore.h"
#include "core/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];

static void fuzz_cleanup(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

/* Write DATA to DIR/NAME and return the path (static storage). */
static const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[128];
    if (!fuzz_dir[0]) {
        snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/repro-fuzz-XXXXXX");
        if (!mkdtemp(fuzz_dir)) abort();
        atexit(fuzz_cleanup);
        repro_err_init();
        repro_flush_subnormals(); /* the mode of build/repro */
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    return path;
}

#endif
