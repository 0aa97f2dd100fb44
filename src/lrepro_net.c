/* repro.net: (being written) */
#include "lrepro.h"

void lrepro_open_net(lua_State *L) { (void)L; }
