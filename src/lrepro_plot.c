/* repro.figure: (being written) */
#include "lrepro.h"

void lrepro_open_plot(lua_State *L) { (void)L; }
void lrepro_close_plot(void);
void lrepro_close_plot(void) {}
