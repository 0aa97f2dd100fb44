/* jsonfile: JSON files written one way (see jsonfile.h). */
#include "core/jsonfile.h"

#include "core/err.h"
#include "core/fileio.h"

#include <stdlib.h>
#include <string.h>

int repro_json_write(const char *path, const json_t *j)
{
    char *s = json_dumps(j, REPRO_JSON_FLAGS);
    if (!s) return repro_err("cannot serialise %s", path);
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t) {
        free(s);
        return repro_err("out of memory");
    }
    t[n] = '\n';
    t[n + 1] = '\0';
    int rc = repro_write_atomic(path, t, n + 1);
    free(t);
    return rc;
}
