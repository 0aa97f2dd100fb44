/* figmodel: the figure model's insides, shared by figure.c (building it, the JSON sidecar) and
 * render.c (drawing it with cairo).  Private to src/plot/: everything else goes through plot.h.
 * A figure owns its panels; a panel owns its items; an item owns copies of its arrays and
 * strings (repro_panel_add copies them). */
#ifndef REPRO_FIGMODEL_H
#define REPRO_FIGMODEL_H

#include "plot/plot.h"

typedef struct {
    repro_plot_item it;
    double *x, *y, *z;
    char *color, *label, *text, anchor[3];
} item;

struct repro_panel {
    int row, col, used, axes, grid, has_xlim, has_ylim, legend;
    char *title, *xlabel, *ylabel, legpos[3];
    double xlim[2], ylim[2], *ticks[2];
    size_t nticks[2];
    int has_ticks[2];
    item *items;
    size_t n, cap;
};

struct repro_fig {
    char *name, *title, *script;
    double w, h;
    int rows, cols;
    repro_panel *panels;
    long long *seeds;
    size_t nseeds;
};

/* The data limits of panel P (its xlim/ylim when set, else the items' range plus 5%). */
void repro_panel_limits(const repro_panel *p, double xl[2], double yl[2]);

#endif
