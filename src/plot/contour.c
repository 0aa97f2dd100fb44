/* contour: marching squares and the joining of its segments into polylines (see contour.h).
 * Every grid edge that LEVEL crosses holds one point; each cell links the crossing points of its
 * edges in pairs.  An edge belongs to at most two cells, so each point has at most two links and
 * the polylines are the paths and cycles of that graph, walked in order of edge number. */
#include "plot/contour.h"

#include "core/err.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    size_t nx, ny, nh;   /* grid size; nh horizontal edges come first in the numbering */
    double *px, *py;     /* the crossing point of each edge */
    unsigned char *has;  /* edge has a crossing */
    long *nb;            /* two links per edge, -1 when absent */
} graph;

static size_t hedge(const graph *g, size_t i, size_t j) { return i * (g->nx - 1) + j; }
static size_t vedge(const graph *g, size_t i, size_t j) { return g->nh + i * g->nx + j; }

/* The crossing on edge E between grid points (x0, y0, a) and (x1, y1, b), when there is one. */
static void crossing(graph *g, size_t e, double x0, double y0, double a, double x1, double y1,
                     double b, double level)
{
    if (!isfinite(a) || !isfinite(b) || (a >= level) == (b >= level)) return;
    double t = (level - a) / (b - a);
    g->px[e] = x0 + t * (x1 - x0);
    g->py[e] = y0 + t * (y1 - y0);
    g->has[e] = 1;
}

static void link1(graph *g, size_t a, size_t b)
{
    long *s = g->nb + 2 * a;
    if (s[0] < 0) s[0] = (long)b;
    else if (s[1] < 0) s[1] = (long)b;
}

static void link2(graph *g, size_t a, size_t b)
{
    link1(g, a, b);
    link1(g, b, a);
}

/* The links of cell (i, j): corners 0 (i, j), 1 (i, j+1), 2 (i+1, j+1), 3 (i+1, j). */
static void cell(graph *g, const double *z, size_t i, size_t j, double level)
{
    size_t nx = g->nx;
    double c[4] = {z[i * nx + j], z[i * nx + j + 1], z[(i + 1) * nx + j + 1], z[(i + 1) * nx + j]};
    for (int k = 0; k < 4; k++)
        if (!isfinite(c[k])) return;
    int up[4];
    for (int k = 0; k < 4; k++) up[k] = c[k] >= level;
    /* edges: bottom (0-1), right (1-2), top (2-3), left (3-0) */
    size_t e[4] = {hedge(g, i, j), vedge(g, i, j + 1), hedge(g, i + 1, j), vedge(g, i, j)};
    size_t cut[4];
    int n = 0;
    for (int k = 0; k < 4; k++)
        if (up[k] != up[(k + 1) % 4]) cut[n++] = e[k];
    if (n == 2) {
        link2(g, cut[0], cut[1]);
    } else if (n == 4) { /* saddle: the centre decides which diagonal pair is connected */
        int centre = (c[0] + c[1] + c[2] + c[3]) / 4 >= level;
        if (centre == up[0]) { /* corners 1 and 3 are cut off */
            link2(g, e[0], e[1]);
            link2(g, e[2], e[3]);
        } else { /* corners 0 and 2 are cut off */
            link2(g, e[3], e[0]);
            link2(g, e[1], e[2]);
        }
    }
}

/* Walks from edge S (not yet visited) along the links; stores the edges in PATH. */
static size_t walk(const graph *g, unsigned char *seen, size_t s, size_t *path, int *closed)
{
    size_t n = 0;
    long prev = -1, cur = (long)s;
    *closed = 0;
    for (;;) {
        seen[cur] = 1;
        path[n++] = (size_t)cur;
        const long *l = g->nb + 2 * cur;
        long next = l[0] == prev ? l[1] : l[0];
        if (next < 0) break;
        if (next == (long)s) {
            path[n++] = s;
            *closed = 1;
            break;
        }
        if (seen[next]) break; /* cannot happen with at most two links per point */
        prev = cur;
        cur = next;
    }
    return n;
}

static int emit(const graph *g, const size_t *path, size_t n, int closed, repro_polyline **out,
                size_t *nout, size_t *cap)
{
    if (*nout == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        repro_polyline *p = realloc(*out, c * sizeof *p);
        if (!p) return repro_err("contour: out of memory");
        *out = p;
        *cap = c;
    }
    repro_polyline *pl = *out + *nout;
    pl->x = malloc(n * sizeof *pl->x);
    pl->y = malloc(n * sizeof *pl->y);
    if (!pl->x || !pl->y) {
        free(pl->x);
        free(pl->y);
        return repro_err("contour: out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        pl->x[k] = g->px[path[k]];
        pl->y[k] = g->py[path[k]];
    }
    pl->n = n;
    pl->closed = closed;
    (*nout)++;
    return 0;
}

static int increasing(const double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(v[k]) || (k > 0 && !(v[k] > v[k - 1]))) return 0;
    return 1;
}

int repro_contour(const double *xs, size_t nx, const double *ys, size_t ny, const double *z,
                  double level, repro_polyline **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (nx < 2 || ny < 2) return repro_err("contour: need at least 2 x 2 grid points");
    if (!increasing(xs, nx) || !increasing(ys, ny))
        return repro_err("contour: the grid coordinates must be finite and strictly increasing");
    if (!isfinite(level)) return repro_err("contour: the level must be finite");
    graph g = {.nx = nx, .ny = ny, .nh = ny * (nx - 1)};
    size_t ne = g.nh + (ny - 1) * nx;
    g.px = malloc(ne * sizeof *g.px);
    g.py = malloc(ne * sizeof *g.py);
    g.has = calloc(ne, 1);
    g.nb = malloc(2 * ne * sizeof *g.nb);
    unsigned char *seen = calloc(ne, 1);
    size_t *path = malloc((ne + 1) * sizeof *path);
    int rc = 0;
    size_t cap = 0;
    if (!g.px || !g.py || !g.has || !g.nb || !seen || !path) {
        rc = repro_err("contour: out of memory");
        goto done;
    }
    for (size_t k = 0; k < 2 * ne; k++) g.nb[k] = -1;
    for (size_t i = 0; i < ny; i++)
        for (size_t j = 0; j + 1 < nx; j++)
            crossing(&g, hedge(&g, i, j), xs[j], ys[i], z[i * nx + j], xs[j + 1], ys[i],
                     z[i * nx + j + 1], level);
    for (size_t i = 0; i + 1 < ny; i++)
        for (size_t j = 0; j < nx; j++)
            crossing(&g, vedge(&g, i, j), xs[j], ys[i], z[i * nx + j], xs[j], ys[i + 1],
                     z[(i + 1) * nx + j], level);
    for (size_t i = 0; i + 1 < ny; i++)
        for (size_t j = 0; j + 1 < nx; j++) cell(&g, z, i, j, level);
    /* Open polylines first (from an end: one link), then the cycles. */
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (size_t e = 0; e < ne && rc == 0; e++) {
            if (!g.has[e] || seen[e] || g.nb[2 * e] < 0) continue;
            if (pass == 0 && g.nb[2 * e + 1] >= 0) continue;
            int closed;
            size_t n = walk(&g, seen, e, path, &closed);
            rc = emit(&g, path, n, closed, out, nout, &cap);
        }
done:
    if (rc != 0) {
        repro_contour_free(*out, *nout);
        *out = NULL;
        *nout = 0;
    }
    free(g.px);
    free(g.py);
    free(g.has);
    free(g.nb);
    free(seen);
    free(path);
    return rc;
}

void repro_contour_free(repro_polyline *p, size_t n)
{
    if (!p) return;
    for (size_t k = 0; k < n; k++) {
        free(p[k].x);
        free(p[k].y);
    }
    free(p);
}
