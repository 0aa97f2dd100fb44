/* Unit tests of core/progress (silent unless stderr is a terminal), core/blascore (the kernel
 * name, the floating-point modes), core/memcheck (refusals with the numbers) and core/matutil
 * (rows sorted by their projection). */
#include "check.h"
#include "core/blascore.h"
#include "core/err.h"
#include "core/matutil.h"
#include "core/memcheck.h"
#include "core/progress.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_progress(void)
{
    /* stderr to a file: not a terminal, so nothing is written, whatever is asked. */
    char path[] = "/tmp/repro-progress-XXXXXX";
    int fd = mkstemp(path);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    int enabled = repro_progress_enabled();
    repro_progress("train", 3, 10, "loss 0.5");
    repro_progress("train", 10, 10, NULL);
    repro_progress_end();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    CHECK(!enabled, "progress is off when stderr is not a terminal");
    CHECK(size == 0, "no progress output into a file or a pipe");
}

static void test_blascore(void)
{
    const char *core = repro_blas_core();
    CHECK(core && *core, "OpenBLAS names its kernel family");
    /* check.h put the binary's mode on: a subnormal result is flushed to 0 ... */
    volatile double tiny = 1e-300, scale = 1e-10;
    volatile double r = tiny * scale;
    CHECK(r == 0, "flush-to-zero: 1e-300 * 1e-10 gives 0 in the binary's mode");
    /* ... and repro_fpu_exact turns it off until restored. */
    unsigned st = repro_fpu_exact();
    r = tiny * scale;
    volatile double back = r * 1e10;
    CHECK(r != 0 && back > 0.9e-300 && back < 1.1e-300, "exact mode: 1e-310 is kept");
    repro_fpu_restore(st);
    r = tiny * scale;
    CHECK(r == 0, "restore: flush-to-zero again");
}

static void test_memcheck(void)
{
    double avail = repro_mem_available();
    CHECK(avail > 1e6, "some memory is available");
    CHECK(repro_mem_check(1024, "a small buffer") == 0, "a small request passes");
    CHECK(repro_mem_check(4 * avail + 1e9, "a huge buffer") != 0 &&
              strstr(repro_errmsg(), "a huge buffer needs") &&
              strstr(repro_errmsg(), "GB of memory, only"),
          "a request above the available memory is refused with the numbers");
}

static void test_proj_sorted(void)
{
    /* rows (1, 0), (0, 2), (1, 1), (-1, 3), (2, -1) on w = (2, 1): 2, 2, 3, 1, 3 */
    const double x[] = {1, 0, 0, 2, 1, 1, -1, 3, 2, -1};
    gsl_matrix_const_view X = gsl_matrix_const_view_array(x, 5, 2);
    repro_proj p[5];
    repro_proj_sorted(&X.matrix, (const double[]){2, 1}, p);
    const size_t order[] = {2, 4, 0, 1, 3};
    const double z[] = {3, 3, 2, 2, 1};
    int ok = 1;
    for (size_t k = 0; k < 5; k++) ok = ok && p[k].i == order[k] && p[k].z == z[k];
    CHECK(ok, "projections in decreasing order, ties by increasing row index");
}

int main(void)
{
    repro_err_init();
    test_progress();
    test_blascore();
    test_memcheck();
    test_proj_sorted();
    return check_exit();
}
