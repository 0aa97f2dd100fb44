/* Fuzz the network file reader (repro.net.load): any bytes give a network or a clean error; a
 * network read back from a file saves and reloads to the same parameters. */
#include "engine/net.h"
#include "engine/netfile.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("in.net", data, size);
    repro_net *net = repro_net_load(path);
    if (!net) return 0;
    char again[160];
    snprintf(again, sizeof again, "%s/again.net", fuzz_dir);
    if (repro_net_save(net, again) != 0) abort();
    repro_net *back = repro_net_load(again);
    if (!back || back->P != net->P) abort();
    for (size_t i = 0; i < net->P; i++)
        if (gsl_vector_get(back->theta, i) != gsl_vector_get(net->theta, i)) abort();
    repro_net_free(back);
    repro_net_free(net);
    return 0;
}
