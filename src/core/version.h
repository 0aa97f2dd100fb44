/* version: the program's version and the versions of the libraries it was built with. */
#ifndef REPRO_VERSION_H
#define REPRO_VERSION_H

#define REPRO_VERSION "0.1.0"

/* One line: "repro 0.1.0 (GSL 2.7.1, OpenBLAS, Lua 5.4.4, cairo 1.16.0, pango 1.50.12, gcc 12.2.0)" */
const char *repro_version_line(void);

#endif
