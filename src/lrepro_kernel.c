/* repro.kernel: (being written) */
#include "lrepro.h"

void lrepro_open_kernel(lua_State *L) { (void)L; }
