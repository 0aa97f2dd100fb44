/* lbox: userdata that own one C resource (the lauxlib / liolib file-handle idiom).
 *
 * A type is described once by an lrepro_type (registered name, the word used in messages, the
 * function that frees the resource).  A box is created first, in a safe closed state (resource
 * NULL), and only then is the resource acquired and stored in it, so a Lua error at any point
 * leaves nothing dangling: __gc and __close share one idempotent free.  Checking uses
 * luaL_checkudata, so a wrong argument reads "repro.Net expected, got table".  The members of a
 * C struct that Lua reads (a box's N, T, ...; an engine report copied into a result table) are
 * described by lrepro_field lists. */
#ifndef REPRO_LBOX_H
#define REPRO_LBOX_H

#include <lauxlib.h>
#include <lua.h>
#include <stddef.h>

typedef struct {
    const char *name;        /* registered type name, "repro.Net" */
    const char *what;        /* the object in messages, "network" */
    void (*free)(void *res); /* frees the resource; never called with NULL */
} lrepro_type;

/* Every box starts with its resource; a type may append its own fields after it. */
typedef struct { void *res; } lrepro_box;

/* Register type T: a metatable named T->name with __gc and __close (one idempotent free), then
 * the functions of META (may be NULL) and, when METHODS is not NULL, a table of METHODS as
 * __index.  Leaves the stack as it found it. */
void lrepro_newtype(lua_State *L, const lrepro_type *t, const luaL_Reg *meta, const luaL_Reg *methods);

/* Push a new closed box of type T (SIZE bytes, 0 for a plain lrepro_box, all zero) with NUV user
 * values; store the resource in ->res once it is acquired. */
lrepro_box *lrepro_newbox(lua_State *L, const lrepro_type *t, size_t size, int nuv);

/* Push an open box of type T owning RES, a resource acquired before its box (an engine's result
 * handed over); RES NULL raises "<what>: out of memory". */
void lrepro_pushbox(lua_State *L, const lrepro_type *t, void *res);

/* The box of type T at IDX, open or closed ("repro.Net expected, got table" otherwise). */
lrepro_box *lrepro_tobox(lua_State *L, int idx, const lrepro_type *t);

/* The resource of the open box of type T at IDX; raises "<what> already closed" when closed. */
void *lrepro_checkbox(lua_State *L, int idx, const lrepro_type *t);

/* A member of a C struct that Lua reads as a field NAME: a size_t (a Lua integer) or a double, at
 * OFFSET (offsetof) in the struct.  Lists of them end with a NULL name. */
typedef enum { LREPRO_SIZE, LREPRO_DOUBLE } lrepro_fieldtype;
typedef struct { const char *name; size_t offset; lrepro_fieldtype type; } lrepro_field;
/* The entry for MEMBER of struct TYPE, its type told by the compiler (another type: an error). */
#define LREPRO_FIELD(name, type, member) \
    {name, offsetof(type, member), _Generic(((type *)0)->member, size_t: LREPRO_SIZE, double: LREPRO_DOUBLE)}
#define LREPRO_FIELDS_END {NULL, 0, LREPRO_SIZE}

/* Set the FIELDS of the struct S in the table on top of the stack (a result table built from an
 * engine's report). */
void lrepro_setfields(lua_State *L, const void *s, const lrepro_field *fields);

/* __index of type T (box at 1, key at 2): the FIELDS of the resource, else
 * the method of that name from the metatable; else raises "<what> has no field 'K' (fields: ...)"
 * listing FIELDS, OTHERS (names the caller's __index answers itself before, may be NULL) and the
 * methods.  Returns 1 (one value pushed). */
int lrepro_index(lua_State *L, const lrepro_type *t, const lrepro_field *fields, const char *others);

#endif
