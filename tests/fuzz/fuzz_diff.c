/* Fuzz the readers of `repro diff`, which takes figure sidecars and results files from two
 * versions of the project (another version's, a hand-edited or a truncated one): any bytes give
 * a comparison or a clean error, never a crash.  The input is side A's file, a NUL byte, then
 * side B's (no NUL: both sides the same text).  Each side is loaded as a sidecar (the loader
 * rejects what is not an object with a "panels" list) and compared with the other, then both are
 * parsed as plain JSON and compared as results files, whatever their shape. */
#include "diff/figdiff.h"
#include "diff/resultsdiff.h"
#include "fuzz.h"

static json_t *load_plain(const char *path)
{
    json_error_t e;
    return json_load_file(path, 0, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t na = nul ? (size_t)(nul - data) : size;
    const uint8_t *b = nul ? nul + 1 : data;
    size_t nb = nul ? size - na - 1 : size;
    char pa[160], pb[160];
    snprintf(pa, sizeof pa, "%s", fuzz_file("a.json", data, na));
    snprintf(pb, sizeof pb, "%s", fuzz_file("b.json", b, nb));
    const repro_tol tol = {REPRO_DIFF_ATOL, REPRO_DIFF_RTOL};

    /* as figures: a side that does not load counts as absent, as repro diff reports it */
    json_t *fa = repro_figdiff_load(pa), *fb = repro_figdiff_load(pb);
    if (fa || fb) {
        repro_figdiff d;
        if (repro_figdiff_json(fa, fb, &tol, &d) == 0) repro_figdiff_free(&d);
    }
    json_decref(fa);
    json_decref(fb);

    /* as results files, of any shape (the comparison must reject what is not one) */
    json_t *ra = load_plain(pa), *rb = load_plain(pb);
    if (ra || rb) {
        repro_resultsdiff r;
        if (repro_resultsdiff_json(ra, rb, &tol, &r) == 0) repro_resultsdiff_free(&r);
    }
    json_decref(ra);
    json_decref(rb);
    return 0;
}
