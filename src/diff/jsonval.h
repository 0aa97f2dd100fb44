/* jsonval: reading the values of figure sidecars and results files (both written by us, read
 * back possibly from another version of the project).  Numbers JSON cannot hold are written as
 * the strings "nan", "inf", "-inf", and a gap in a series as null. */
#ifndef REPRO_JSONVAL_H
#define REPRO_JSONVAL_H

#include <jansson.h>
#include <stddef.h>

/* 1 with *V set when J is a number, null (NaN), or "nan" / "inf" / "-inf"; else 0. */
int repro_json_num(const json_t *j, double *v);
/* Compact JSON text of J ("(none)" for NULL), cut with "..." to fit BUF. */
const char *repro_json_repr(const json_t *j, char *buf, size_t n);
/* The string field KEY of object O, "" when absent or not a string. */
const char *repro_json_str(const json_t *o, const char *key);

#endif
