/* netfile: a repro_net to and from its versioned text file (contract in netfile.h). */
#include "engine/netfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/fileio.h"

/* ---- save / load ---------------------------------------------------------------------------- */

int repro_net_save(const repro_net *net, const char *path)
{
    size_t cap = 64 + 32 * net->P, n = 0;
    char *buf = malloc(cap);
    if (!buf) return repro_err("net.save: out of memory writing '%s'", path);
    n += (size_t)snprintf(buf + n, cap - n, "repro-net 1\n%zu %zu %zu %d\n", net->d, net->T,
                          net->K, net->skip);
    for (size_t i = 0; i < net->P; i++) {
        double v = gsl_vector_get(net->theta, i);
        if (!isfinite(v)) {
            free(buf);
            return repro_err("net.save: parameter %zu is %g; refusing to write '%s'", i + 1, v,
                             path);
        }
        n += (size_t)snprintf(buf + n, cap - n, "%.17g\n", v);
    }
    int rc = repro_write_atomic(path, buf, n);
    free(buf);
    return rc;
}

/* The next line of the buffer at *P (NUL-terminated in place), advancing *P; NULL at the end. */
static char *next_line(char **p)
{
    if (!**p) return NULL;
    char *s = *p, *e = strchr(s, '\n');
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else {
        *p = s + strlen(s);
    }
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '\r') s[len - 1] = '\0';
    return s;
}

/* Parse the "d T K skip" line; 0 or -1 with repro_err set. */
static int parse_counts(const char *path, const char *s, size_t c[4])
{
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        while (*p == ' ' || *p == '\t') p++;
        if (*p < '0' || *p > '9') goto bad;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno || v > 100000000ULL) goto bad;
        c[i] = (size_t)v;
        p = end;
    }
    while (*p == ' ' || *p == '\t') p++;
    if (*p) goto bad;
    if (c[0] < 1 || c[1] < 1 || c[2] < 1 || c[3] > 1) {
        repro_err("%s: line 2: need d, T, K >= 1 and skip 0 or 1, got '%s'", path, s);
        return -1;
    }
    return 0;
bad:
    repro_err("%s: line 2: expected four integers 'd T K skip' (each <= 1e8), got '%s'", path, s);
    return -1;
}

/* Parse one parameter line into *V; 0 or -1 with repro_err set. */
static int parse_value(const char *path, size_t lineno, const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s) return repro_err("%s: line %zu: '%s' is not a number", path, lineno, s);
    while (*end == ' ' || *end == '\t') end++;
    if (*end) return repro_err("%s: line %zu: trailing characters after the number in '%s'", path, lineno, s);
    if (!isfinite(*v))
        return repro_err("%s: line %zu: value is '%s', expected a finite number", path, lineno, s);
    return 0;
}

/* The number of lines left in the text at P (a last line without a newline counts). */
static size_t count_lines(const char *p)
{
    size_t n = 0;
    const char *last = p;
    for (; *p; p++)
        if (*p == '\n') {
            n++;
            last = p + 1;
        }
    return n + (*last != '\0');
}

/* Parse the text TXT (modified in place) into a new network; NULL with repro_err set. */
static repro_net *parse_net(const char *path, char *txt)
{
    char *p = txt, *line = next_line(&p);
    if (!line || strcmp(line, "repro-net 1") != 0) {
        repro_err("%s: line 1: expected the header 'repro-net 1', got '%.40s'", path,
                  line ? line : "(empty file)");
        return NULL;
    }
    line = next_line(&p);
    if (!line) {
        repro_err("%s: line 2: the file ends before the 'd T K skip' line", path);
        return NULL;
    }
    size_t c[4];
    if (parse_counts(path, line, c) != 0) return NULL;
    size_t P = repro_net_nparams(c[0], c[1], c[2], (int)c[3]), have = count_lines(p);
    if (have < P) { /* checked before allocating, so absurd counts cannot ask for huge memory */
        repro_err("%s: line %zu: the file ends after %zu of %zu parameters", path, have + 3, have, P);
        return NULL;
    }
    repro_net *net = repro_net_zeros(c[0], c[1], c[2], (int)c[3]);
    if (!net) return NULL;
    for (size_t i = 0; i < net->P; i++) {
        line = next_line(&p);
        double v;
        if (!line) {
            repro_err("%s: line %zu: the file ends after %zu of %zu parameters", path, i + 3, i,
                      net->P);
            goto fail;
        }
        if (parse_value(path, i + 3, line, &v) != 0) goto fail;
        gsl_vector_set(net->theta, i, v);
    }
    for (size_t ln = net->P + 3; (line = next_line(&p)); ln++) {
        if (strspn(line, " \t") != strlen(line)) {
            repro_err("%s: line %zu: unexpected content after the %zu parameters: '%.40s'", path,
                      ln, net->P, line);
            goto fail;
        }
    }
    return net;
fail:
    repro_net_free(net);
    return NULL;
}

repro_net *repro_net_load(const char *path)
{
    size_t len;
    char *txt = repro_read_file(path, &len);
    if (!txt) return NULL;
    if (strlen(txt) != len) {
        free(txt);
        repro_err("%s: the file contains a NUL byte; not a repro-net file", path);
        return NULL;
    }
    repro_net *net = parse_net(path, txt);
    free(txt);
    return net;
}
