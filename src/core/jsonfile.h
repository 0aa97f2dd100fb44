/* jsonfile: the one way a JSON file is written (run records, collected results, figure
 * sidecars).  One number rule: every real is written with 17 significant digits (%.17g), enough
 * to read back the same double, so nothing is lost between a run and the diff of two runs.
 * Indented by one space, keys in insertion order, a final newline, written atomically. */
#ifndef REPRO_JSONFILE_H
#define REPRO_JSONFILE_H

#include <jansson.h>

/* jansson flags of the rule, for callers that need the text itself. */
#define REPRO_JSON_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER)

/* Write J to PATH; 0, or -1 with repro_err set. */
int repro_json_write(const char *path, const json_t *j);

#endif
