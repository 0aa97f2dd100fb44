/* Unit tests of the engine's plumbing: datasets, atomic files, hashes, results and LaTeX numbers. */
#include "check.h"
#include "engine/dataset.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"
#include "build/results.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_dataset(void)
{
    repro_dataset *ds = repro_dataset_alloc(4, 1, 2);
    double x[4] = {3, 1, 4, 2};
    for (size_t i = 0; i < 4; i++) {
        gsl_matrix_set(ds->X, i, 0, x[i]);
        gsl_matrix_set(ds->Y, i, 0, 10 * x[i]);
        gsl_matrix_set(ds->Y, i, 1, -x[i]);
    }
    CHECK(repro_dataset_validate(ds, 0, NULL, NULL) == 0, "valid dataset accepted");
    int sorted = 1, rows_kept = 1;
    for (size_t i = 0; i < 4; i++) {
        if (i && gsl_matrix_get(ds->X, i, 0) <= gsl_matrix_get(ds->X, i - 1, 0)) sorted = 0;
        if (gsl_matrix_get(ds->Y, i, 0) != 10 * gsl_matrix_get(ds->X, i, 0) ||
            gsl_matrix_get(ds->Y, i, 1) != -gsl_matrix_get(ds->X, i, 0))
            rows_kept = 0;
    }
    CHECK(sorted, "univariate rows sorted by x");
    CHECK(rows_kept, "labels move with their inputs");
    gsl_matrix_set(ds->X, 2, 0, gsl_matrix_get(ds->X, 1, 0));
    CHECK(repro_dataset_validate(ds, 0, NULL, NULL) != 0 && strstr(repro_errmsg(), "same x"),
          "duplicate x refused");
    gsl_matrix_set(ds->X, 2, 0, 7);
    gsl_matrix_set(ds->Y, 3, 1, NAN);
    CHECK(repro_dataset_validate(ds, 0, NULL, NULL) != 0 &&
              strstr(repro_errmsg(), "row 4, column y2: value is NaN"),
          "NaN named by row and column");
    repro_dataset_free(ds);
    repro_dataset_free(NULL);
    CHECK(repro_dataset_alloc(0, 1, 1) == NULL && strstr(repro_errmsg(), "must be positive"),
          "empty shape refused");
}

static void test_files(const char *dir)
{
    char path[512], sub[512];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    snprintf(path, sizeof path, "%s/a/b/file.txt", dir);
    CHECK(repro_write_atomic(path, "hello", 5) == 0, "atomic write creates parent folders");
    size_t n;
    char *s = repro_read_file(path, &n);
    CHECK(s && n == 5 && strcmp(s, "hello") == 0, "read back what was written");
    free(s);
    struct stat st1, st2;
    stat(path, &st1);
    sleep(1);
    repro_write_atomic(path, "hello", 5);
    stat(path, &st2);
    CHECK(st1.st_mtime == st2.st_mtime && st1.st_ino == st2.st_ino,
          "rewriting identical bytes keeps the old file and its time");
    repro_write_atomic(path, "world!", 6);
    s = repro_read_file(path, &n);
    CHECK(s && n == 6 && memcmp(s, "world!", 6) == 0, "changed bytes replace the file");
    free(s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp >/dev/null", sub);
    CHECK(system(cmd) != 0, "no temporary left behind");
    CHECK(repro_read_file("/nonexistent/x", NULL) == NULL && strstr(repro_errmsg(), "cannot open"),
          "missing file reported");

    /* Hash: a known XXH3-128 property: equal content -> equal hash, different -> different. */
    char h1[REPRO_HASH_HEX], h2[REPRO_HASH_HEX], h3[REPRO_HASH_HEX];
    repro_hash_bytes("world!", 6, h1);
    repro_hash_file(path, h2);
    repro_hash_bytes("world?", 6, h3);
    CHECK(strcmp(h1, h2) == 0 && strlen(h1) == 32, "file hash equals hash of its bytes");
    CHECK(strcmp(h1, h3) != 0, "one changed byte changes the hash");
}

static void test_latex_numbers(void)
{
    char b[128];
    CHECK(strcmp(repro_results_latex_number(1.5e-7, "%.2g", b, sizeof b), "1.5\\times 10^{-7}") == 0,
          "scientific notation as LaTeX");
    CHECK(strcmp(repro_results_latex_number(1e-12, "%.0e", b, sizeof b), "10^{-12}") == 0,
          "a power of ten alone");
    CHECK(strcmp(repro_results_latex_number(-2.25, "%.3f", b, sizeof b), "-2.250") == 0,
          "plain decimals kept");
    CHECK(strcmp(repro_results_latex_number(-3e5, "%.1e", b, sizeof b), "-3.0\\times 10^{5}") == 0,
          "negative mantissa, positive exponent");
    CHECK(strcmp(repro_results_latex_number(NAN, NULL, b, sizeof b), "\\mathrm{NaN}") == 0, "NaN");
    CHECK(strcmp(repro_results_latex_number(0.0, "%.1e", b, sizeof b), "0") == 0,
          "an exact zero in e-format is printed as 0");
    CHECK(strcmp(repro_results_latex_number(-0.0, "%.1e", b, sizeof b), "0") == 0,
          "negative zero in e-format is printed as 0");
}

static void test_results(const char *dir)
{
    char rec[512], js[512], tex[512];
    snprintf(rec, sizeof rec, "%s/st/results.json", dir);
    snprintf(js, sizeof js, "%s/all.json", dir);
    snprintf(tex, sizeof tex, "%s/values.tex", dir);
    repro_results_begin("pipeline/st.lua", "st");
    CHECK(repro_results_value("cost", 2.5, "%.2f", "pipeline/st.lua:3") == 0, "value recorded");
    CHECK(repro_results_value("cost", 1, NULL, "x:1") != 0 && strstr(repro_errmsg(), "already"),
          "duplicate refused");
    CHECK(repro_results_value("bad name", 1, NULL, "x:1") != 0, "bad name refused");
    double le = 1e-10, ge = 0.5;
    int pass = -1;
    repro_results_check("err", 3e-12, &le, NULL, NULL, "pipeline/st.lua:5", &pass);
    CHECK(pass == 1, "check within its bound passes");
    repro_results_check("frac", 0.25, NULL, &ge, NULL, "pipeline/st.lua:6", &pass);
    CHECK(pass == 0, "check below its lower bound fails");
    repro_results_check("nan", NAN, &le, NULL, NULL, "pipeline/st.lua:7", &pass);
    CHECK(pass == 0, "NaN never passes");
    double le_cert = 1 + 1e-3;
    repro_results_check("cert", 1.0001, &le_cert, NULL, "%.4f", "pipeline/st.lua:8", &pass);
    CHECK(pass == 1, "check just below a bound near 1 passes");
    repro_results_param("seed", "7", 1);
    repro_results_seed(7);
    repro_results_seed(7);
    long long seeds[4];
    CHECK(repro_results_seeds(seeds, 4) == 1 && seeds[0] == 7, "seeds recorded once");
    CHECK(repro_results_write(rec) == 0, "record written");
    repro_results_end();
    const char *recs[1] = {rec};
    CHECK(repro_results_collect(recs, 1, js, tex, "abc", "v1", "https://example.org/r/blob/abc/") == 0, "collect succeeds");
    char *t = repro_read_file(tex, NULL);
    CHECK(t && strstr(t, "\\reproval{st.cost}{2.50}{pipeline/st.lua:3}"), "value macro");
    CHECK(t && strstr(t, "\\reprocheck{st.err}{3\\times 10^{-12}}{\\leq 10^{-10}}{pass}"),
          "check macro with bound");
    CHECK(t && strstr(t, "{FAIL}"), "failed check marked");
    CHECK(t && strstr(t, "\\reprocheck{st.cert}{1.0001}{\\leq 1.001}{pass}"),
          "a bound is printed in full, not rounded to the value's format");
    CHECK(t && strstr(t, "\\reprostage{st}{pipeline/st.lua}{7}") && strstr(t, "{st.seed=7}"),
          "stage line with seeds and overrides");
    CHECK(t && strstr(t, "\\reprosourceurl{https://example.org/r/blob/abc/}\n"), "source URL line");
    free(t);
    CHECK(repro_results_collect(recs, 1, NULL, tex, "abc", "v1", "https://h/x#L1?a=50%") == 0,
          "collect with a URL holding # and %");
    t = repro_read_file(tex, NULL);
    CHECK(t && strstr(t, "\\reprosourceurl{https://h/x\\#L1?a=50\\%}"), "# and % escaped for TeX");
    free(t);
    CHECK(repro_results_collect(recs, 1, NULL, tex, "abc", "v1", "https://h/a b") != 0 &&
              strstr(repro_errmsg(), "--source-url"),
          "a URL with a space refused, naming the option");
    const char *two[2] = {rec, rec};
    CHECK(repro_results_collect(two, 2, NULL, NULL, "abc", "v1", NULL) != 0 &&
              strstr(repro_errmsg(), "recorded twice"),
          "the same name from two records refused");
    /* seeds in their order, runs of three or more as ranges */
    char rec2[512];
    snprintf(rec2, sizeof rec2, "%s/runs.json", dir);
    FILE *f = fopen(rec2, "w");
    fputs("{\"stage\": \"sw\", \"script\": \"pipeline/sw.lua\", \"seeds\": [7, 3, 4, 5, 6, 9, 10, 12],"
          " \"params\": {}, \"outputs\": {}, \"values\": []}", f);
    fclose(f);
    const char *one[1] = {rec2};
    CHECK(repro_results_collect(one, 1, NULL, tex, "abc", "v1", NULL) == 0, "collect a record with many seeds");
    t = repro_read_file(tex, NULL);
    CHECK(t && strstr(t, "\\reprostage{sw}{pipeline/sw.lua}{7, 3--6, 9, 10, 12}"), "consecutive seeds as a range");
    free(t);
    f = fopen(rec2, "w");
    fputs("{\"stage\": \"sw\", \"script\": \"pipeline/sw.lua\", \"seeds\": [1, 3, 5, 7, 9, 11, 13, 15, 17,"
          " 19, 21, 23, 25, 27, 28, 29], \"params\": {}, \"outputs\": {}, \"values\": []}", f);
    fclose(f);
    CHECK(repro_results_collect(one, 1, NULL, tex, "abc", "v1", NULL) == 0, "collect a record with 16 seeds");
    t = repro_read_file(tex, NULL);
    CHECK(t && strstr(t, "{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, \\dots{} (16 seeds)}"),
          "after 12 items the count of seeds");
    free(t);
}

int main(void)
{
    repro_err_init();
    char dir[] = "/tmp/repro-test-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_dataset();
    test_files(dir);
    test_latex_numbers();
    test_results(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return check_exit();
}
