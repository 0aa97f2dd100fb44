/* Fuzz the CSV loader (repro.dataset.load): any bytes give a dataset or a clean error. */
#include "engine/dataset.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("in.csv", data, size);
    repro_dataset *ds = repro_dataset_load_csv(path, NULL, 0, NULL, 0);
    repro_dataset_free(ds);
    static const char *const xs[] = {"x", "a"}, *const ys[] = {"y", "b"};
    ds = repro_dataset_load_csv(path, xs, 2, ys, 1);
    repro_dataset_free(ds);
    ds = repro_dataset_load_csv(path, xs, 1, ys, 2);
    repro_dataset_free(ds);
    return 0;
}
