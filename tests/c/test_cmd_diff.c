/* Unit tests of `repro diff` (repro_cmd_diff) on two folders (--dirs: nothing is built, no git):
 * identical folders, a changed value, changed figure data, and the errors (bad options, a missing
 * folder, a hostile revision string outside a git checkout). */
#include "check.h"
#include "core/err.h"
#include "core/fileio.h"
#include "diff/cmd_diff.h"
#include "plot/plot.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DIR/figures/f.{json,png} of a one-line figure whose last point is at height Y; DIR/results.json
 * with one value V. */
static void side(const char *dir, double y, double v)
{
    char p[512];
    repro_fig *f = repro_fig_new("f", 3, 2, 1, 1);
    repro_panel *pn = repro_fig_panel(f, 1, 1);
    double xs[3] = {0, 1, 2}, ys[3] = {0, 1, y};
    repro_plot_item it = {.kind = REPRO_IT_LINE, .x = xs, .y = ys, .n = 3, .color = "C0",
                          .width = 1};
    repro_color_parse("C0", it.rgb);
    repro_panel_add(pn, &it);
    json_t *j = repro_fig_json(f);
    char *s = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    snprintf(p, sizeof p, "%s/figures/f.json", dir);
    repro_write_atomic(p, s, strlen(s));
    free(s);
    json_decref(j);
    snprintf(p, sizeof p, "%s/figures/f.png", dir);
    repro_fig_write_png(f, p);
    repro_fig_free(f);
    char r[256];
    snprintf(r, sizeof r, "{\"t.v\": {\"kind\": \"value\", \"value\": %.17g, \"where\": \"t.lua:1\"}}\n", v);
    snprintf(p, sizeof p, "%s/results.json", dir);
    repro_write_atomic(p, r, strlen(r));
}

/* repro_cmd_diff with its standard output and error silenced. */
static int diff(const char *a0, const char *a1, const char *a2, const char *a3, const char *a4,
                const char *a5)
{
    char *argv[7] = {(char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
    int argc = 0;
    while (argc < 6 && argv[argc]) argc++;
    fflush(stdout);
    fflush(stderr);
    int o = dup(1), e = dup(2), nul = open("/dev/null", O_WRONLY);
    dup2(nul, 1);
    dup2(nul, 2);
    int rc = repro_cmd_diff(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(o, 1);
    dup2(e, 2);
    close(o);
    close(e);
    close(nul);
    return rc;
}

int main(void)
{
    repro_err_init();
    char dir[] = "/tmp/repro-cmddiff-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    side("a", 2, 1.0);
    side("b", 2, 1.0);
    CHECK(diff("--dirs", "a", "b", "--out", "r1", NULL) == 0, "identical folders: exit 0");
    CHECK(access("r1/index.html", F_OK) == 0, "the report is written");
    side("b", 2, 1.5);
    CHECK(diff("--dirs", "a", "b", "--out", "r2", NULL) == 1, "a changed value: exit 1");
    side("b", 2, 1.0 + 1e-12);
    CHECK(diff("--dirs", "a", "b", "--out", "r3", NULL) == 0, "a change within tolerance: exit 0");
    side("b", 3, 1.0);
    CHECK(diff("--dirs", "a", "b", "--out", "r4", NULL) == 1, "changed figure data: exit 1");
    CHECK(diff("--dirs", "a", "nosuch", "--out", "r5", NULL) == 2, "a missing folder: exit 2");
    CHECK(diff("--dirs", "a", NULL, NULL, NULL, NULL) == 2, "--dirs with one folder: exit 2");
    CHECK(diff("--dirs", "a", "b", "--pixel-tol", "300", NULL) == 2, "pixel tolerance out of range");
    CHECK(diff("--dirs", "a", "b", "--atol", "x", NULL) == 2, "a tolerance that is no number");
    CHECK(diff("--frobnicate", NULL, NULL, NULL, NULL, NULL) == 2, "an unknown option: exit 2");
    /* Outside a git checkout a revision cannot resolve; a hostile string runs nothing. */
    CHECK(diff("x';touch pwned;'", ".", "--out", "r6", NULL, NULL) == 2 &&
              access("pwned", F_OK) != 0,
          "a hostile revision string is an error and runs nothing");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (chdir("/") != 0 || system(cmd) != 0) return 1;
    return check_exit();
}
