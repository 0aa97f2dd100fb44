/* jsonval: reading sidecar and results values (see jsonval.h). */
#include "diff/jsonval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int repro_json_num(const json_t *j, double *v)
{
    if (json_is_number(j)) {
        *v = json_number_value(j);
        return 1;
    }
    if (json_is_null(j)) {
        *v = NAN;
        return 1;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (strcmp(s, "nan") == 0)
            *v = NAN;
        else if (strcmp(s, "inf") == 0)
            *v = INFINITY;
        else if (strcmp(s, "-inf") == 0)
            *v = -INFINITY;
        else
            return 0;
        return 1;
    }
    return 0;
}

const char *repro_json_repr(const json_t *j, char *buf, size_t n)
{
    if (!j) {
        snprintf(buf, n, "(none)");
        return buf;
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(8));
    if (!s) {
        snprintf(buf, n, "?");
        return buf;
    }
    size_t len = strlen(s);
    if (len < n) {
        memcpy(buf, s, len + 1);
    } else {
        memcpy(buf, s, n - 4);
        memcpy(buf + n - 4, "...", 4);
    }
    free(s);
    return buf;
}

const char *repro_json_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}
