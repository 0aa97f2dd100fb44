/* core/paths: the build layout, each path against the literal the Makefile writes for it
 * (B/stages/<stage>/results.json, B/results.json), stage names from script paths, defaults, and
 * refusal (not truncation) of a path that does not fit. */
#include "core/paths.h"

#include "check.h"
#include "core/err.h"

#include <string.h>

int main(void)
{
    char a[256], b[256];
    CHECK(strcmp(repro_path_stage_name("pipeline/fig1.lua", a, sizeof a), "fig1") == 0,
          "stage name: base name without .lua");
    CHECK(strcmp(repro_path_stage_name("x/y/thm41", a, sizeof a), "thm41") == 0,
          "stage name of a script without .lua");
    CHECK(strcmp(repro_path_stage_name("a.lua.lua", a, sizeof a), "a.lua") == 0,
          "only the last .lua goes");
    CHECK(strcmp(repro_path_stage_name(".lua", a, sizeof a), ".lua") == 0,
          "a bare .lua is a name, not an empty one");
    CHECK(strcmp(repro_path_stage_dir(NULL, "fig1", a, sizeof a), "build/stages/fig1") == 0,
          "default stage folder: build/stages/<stage>");
    CHECK(strcmp(repro_path_stage_dir("/tmp/b", "fig1", a, sizeof a), "/tmp/b/stages/fig1") == 0,
          "stage folder under another build folder (make B=/tmp/b)");
    CHECK(strcmp(repro_path_stages("/tmp/b", a, sizeof a), "/tmp/b/stages") == 0, "stages folder");
    CHECK(strcmp(repro_path_record(repro_path_stage_dir(NULL, "cor1", b, sizeof b), a, sizeof a),
                 "build/stages/cor1/results.json") == 0,
          "run record: the Makefile's RECORDS entry");
    CHECK(strcmp(repro_path_results(NULL, a, sizeof a), "build/results.json") == 0,
          "collected results: build/results.json");
    CHECK(strcmp(repro_path_build_of("/p", a, sizeof a), "/p/build") == 0 &&
              strcmp(repro_path_figures_of("/p", b, sizeof b), "/p/figures") == 0,
          "a project's build and figures folders");
    CHECK(strcmp(REPRO_FIGURES_DIR, "figures") == 0 && strcmp(REPRO_BUILD_DIR, "build") == 0,
          "defaults as the Makefile's B and FIG");
    char small[16];
    CHECK(repro_path_stage_dir(NULL, "a_long_stage_name", small, sizeof small) == NULL &&
              strstr(repro_errmsg(), "path too long") != NULL,
          "a path that does not fit is refused with a message, not cut");
    CHECK(repro_path_stage_dir(NULL, "abc", small, sizeof small) == NULL &&
              repro_path_stage_dir(NULL, "ab", small, sizeof small) != NULL &&
              strcmp(small, "build/stages/ab") == 0,
          "the boundary: 15 characters fit in 16 bytes, 16 do not");
    return check_exit();
}
