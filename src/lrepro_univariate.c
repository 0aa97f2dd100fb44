/* repro.univariate: (being written) */
#include "lrepro.h"

void lrepro_open_univariate(lua_State *L) { (void)L; }
