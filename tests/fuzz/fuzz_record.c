/* Fuzz the stage record reader: any bytes in results.json give a reason to re-run (never a
 * crash), and gathering the record (repro collect) gives values or a clean error. */
#include "build/results.h"
#include "build/stage.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("results.json", data, size);
    char why[512];
    (void)repro_stage_reason(fuzz_dir, "E", "", why, sizeof why);
    const char *recs[1] = {path};
    (void)repro_results_collect(recs, 1, NULL, NULL, "r", "v", NULL);
    return 0;
}
