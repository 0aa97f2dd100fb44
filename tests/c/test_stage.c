/* Unit tests of the build layer: stage reasons from run records (including malformed records read
 * from disk), canonical overrides, a script run end to end through repro_run_script and
 * repro_stage, and the gathering of records with hostile formats. */
#include "check.h"
#include "build/results.h"
#include "build/run.h"
#include "build/cachekey.h"
#include "build/stage.h"
#include "core/err.h"
#include "core/fileio.h"
#include "core/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const char *text)
{
    if (repro_write_atomic(path, text, strlen(text)) != 0) {
        printf("not ok - cannot write %s: %s\n", path, repro_errmsg());
        exit(1);
    }
}

/* A record for stage "st" that read in.txt (hash IN) and wrote out.txt (hash OUT). */
static void record(const char *engine, const char *over, const char *inhash, const char *outhash)
{
    char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"engine\": \"%s\", \"overrides\": \"%s\", \"inputs\": {\"in.txt\": %s},"
             " \"outputs\": {\"out.txt\": %s}}\n",
             engine, over, inhash, outhash);
    put("st/results.json", buf);
}

static void test_reasons(void)
{
    char why[512], hin[REPRO_HASH_HEX], hout[REPRO_HASH_HEX], q1[64], q2[64];
    const char *r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strcmp(r, "it has no finished run") == 0, "no record: never ran");
    put("in.txt", "input");
    put("out.txt", "output");
    repro_hash_file("in.txt", hin);
    repro_hash_file("out.txt", hout);
    snprintf(q1, sizeof q1, "\"%s\"", hin);
    snprintf(q2, sizeof q2, "\"%s\"", hout);
    record("E", "", q1, q2);
    CHECK(repro_stage_reason("st", "E", "", why, sizeof why) == NULL, "unchanged stage is cached");
    r = repro_stage_reason("st", "F", "", why, sizeof why);
    CHECK(r && strstr(r, "engine"), "another engine: re-run");
    r = repro_stage_reason("st", "E", "a=1", why, sizeof why);
    CHECK(r && strcmp(r, "the parameters changed (defaults -> a=1)") == 0, "new override: re-run");
    put("in.txt", "input2");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strcmp(r, "in.txt changed") == 0, "changed input named");
    put("in.txt", "input");
    remove("out.txt");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strcmp(r, "out.txt is missing") == 0, "missing output named");
    put("out.txt", "output");
    remove("in.txt");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strcmp(r, "in.txt is gone") == 0, "missing input named");
    put("in.txt", "input");

    /* Records are data from disk: every malformed one means "run again", with the reason. */
    record("E", "", "42", q2);
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed") && strstr(r, "in.txt"), "an input hash that is a number");
    record("E", "", "null", q2);
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed"), "an input hash that is null");
    record("E", "", q1, "{}");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed") && strstr(r, "out.txt"), "an output hash that is an object");
    put("st/results.json", "[1, 2]\n");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed"), "a record that is an array");
    put("st/results.json", "{\"engine\": \"E\", \"overrides\": \"\", \"inputs\": 3}\n");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed"), "inputs that are not an object");
    put("st/results.json", "{\"engine\": \"E\", \"overr");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "unreadable"), "a truncated record");
    put("st/results.json", "{\"engine\": 7, \"overrides\": []}\n");
    r = repro_stage_reason("st", "E", "", why, sizeof why);
    CHECK(r && strstr(r, "malformed"), "engine and overrides of the wrong type");
}

static void test_overrides(void)
{
    const char *o[3] = {"zeta=1", "alpha=2", "mid=x y"};
    char *s = repro_overrides_string(o, 3);
    CHECK(s && strcmp(s, "alpha=2 mid=x y zeta=1") == 0, "overrides sorted into one string");
    free(s);
    s = repro_overrides_string(NULL, 0);
    CHECK(s && strcmp(s, "") == 0, "no overrides: empty string");
    free(s);
}

static void test_run(void)
{
    put("sq.lua", "local P = repro.params{n = 3}\n"
                  "repro.value('twice', 2 * P.n, {fmt = '%.0f'})\n");
    repro_run_opts o = {.script = "sq.lua", .outdir = "stok", .figdir = "fig"};
    CHECK(repro_run_script(&o) == 0, "a script runs");
    char *t = repro_read_file("stok/results.json", NULL);
    CHECK(t && strstr(t, "\"sq.twice\"") && strstr(t, "\"value\": 6"), "its value is recorded");
    CHECK(t && strstr(t, "\"sq.lua\""), "the script is recorded as an input");
    free(t);
    const char *over[1] = {"n=5"};
    o.overrides = over;
    o.noverrides = 1;
    CHECK(repro_stage(&o, 0) == 0, "stage with an override re-runs");
    t = repro_read_file("stok/results.json", NULL);
    CHECK(t && strstr(t, "\"value\": 10"), "the override reached the script");
    free(t);
    CHECK(repro_stage(&o, 0) == 0, "a second stage call is cached");
    CHECK(repro_stage_mode(&o, REPRO_STAGE_CHECK) == 0, "--check: an up-to-date stage is cached");
    put("sq.lua", "local P = repro.params{n = 3}\n"
                  "repro.value('twice', 3 * P.n, {fmt = '%.0f'})\n");
    CHECK(repro_stage_mode(&o, REPRO_STAGE_CHECK) == 3, "--check: an edited script would re-run");
    t = repro_read_file("stok/results.json", NULL);
    CHECK(t && strstr(t, "\"value\": 10"), "--check runs nothing (the record is the old one)");
    free(t);

    const char *huge[1] = {"n=100000000000000000000"};
    o.overrides = huge;
    CHECK(repro_run_script(&o) == 1, "an integer override beyond the integer range is refused");
    put("tiny.lua", "local P = repro.params{eps = 0.5}\nrepro.value('e', P.eps)\n");
    const char *tiny[1] = {"eps=1e-400"};
    repro_run_opts ti = {.script = "tiny.lua", .outdir = "sttiny", .figdir = "fig",
                         .overrides = tiny, .noverrides = 1};
    CHECK(repro_run_script(&ti) == 1, "a number override that would read as 0 is refused");

    put("bad.lua", "repro.value('x', 1)\nerror('boom')\n");
    repro_run_opts b = {.script = "bad.lua", .outdir = "stbad", .figdir = "fig"};
    CHECK(repro_run_script(&b) == 1, "a failing script returns 1");
    CHECK(access("stbad/results.json", F_OK) != 0, "a failed run writes no record");
    put("fmt.lua", "repro.value('x', 1, {fmt = '%s%s%s%n'})\n");
    repro_run_opts f = {.script = "fmt.lua", .outdir = "stfmt", .figdir = "fig"};
    CHECK(repro_run_script(&f) == 1, "a hostile fmt is refused where it enters");
}

static void test_collect_formats(void)
{
    put("h/results.json",
        "{\"stage\": \"h\", \"script\": \"h.lua\", \"values\": [{\"name\": \"h.v\", \"kind\": "
        "\"value\", \"where\": \"h.lua:1\", \"value\": 1.5, \"fmt\": \"%s%s%s%n\"}]}\n");
    const char *recs[1] = {"h/results.json"};
    CHECK(repro_results_collect(recs, 1, "all.json", "v.tex", "r", "v", NULL) != 0 &&
              strstr(repro_errmsg(), "bad fmt"),
          "collect refuses a record whose fmt is hostile");
    put("h/results.json",
        "{\"stage\": \"h\", \"script\": \"h.lua\", \"values\": [{\"name\": \"h.v\", \"kind\": "
        "\"value\", \"where\": \"h.lua:1\", \"value\": \"x\"}, {\"name\": \"h.t\", \"kind\": "
        "\"text\", \"where\": \"h.lua:2\"}]}\n");
    CHECK(repro_results_collect(recs, 1, "all.json", "v.tex", "r", "v", NULL) != 0 &&
              strstr(repro_errmsg(), "has no text"),
          "collect refuses a text entry without text");
    const char *good[] = {"%.3g", "%.0f", "%+.2e", "%10.4f", "x = %.1f s", "%G"};
    const char *bad[] = {"%d", "%s", "%n", "%.2f%%", "%*.2f", "%lf", "%.2f %.2f", "%100f",
                         "%.200f", "", "%", "no conversion"};
    int ok = 1;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) ok &= repro_results_fmt_valid(good[i]);
    CHECK(ok, "floating formats accepted");
    ok = 1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) ok &= !repro_results_fmt_valid(bad[i]);
    CHECK(ok, "other formats refused");
    char b[128];
    CHECK(strcmp(repro_results_latex_number(2.5, "%s%n", b, sizeof b), "2.5") == 0,
          "a bad format at the printer falls back to the default");
}

int main(void)
{
    repro_err_init();
    char dir[] = "/tmp/repro-stage-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    test_reasons();
    test_overrides();
    test_run();
    test_collect_formats();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (chdir("/") != 0 || system(cmd) != 0) return 1;
    return check_exit();
}
