/* side: one side of `repro diff`, a version of the project with its figures and results.
 *
 * A side is the working tree (built in place), a plain folder (--dirs: nothing is built), or a
 * revision: resolved by git to a commit, checked out into a temporary worktree OUT/wt-<a|b>, given
 * the working tree's engine and finished stages when they are the same (content hashes decide),
 * and built there with `make figures`.  Messages go to stderr; functions return 0 or -1. */
#ifndef REPRO_SIDE_H
#define REPRO_SIDE_H

#include "diff/proc.h"

typedef struct {
    char name;        /* 'A' or 'B' */
    const char *spec; /* as given */
    int tree;         /* the working tree (the current checkout) */
    int dir;          /* --dirs: a plain folder */
    char commit[64];
    char label[300];
    char proj[PATHN];   /* the project folder of this side */
    char wt[PATHN];     /* a temporary worktree made for this side ("" when none) */
    int owns_wt;        /* this side made the worktree (the other side may share it) */
    char bdir[PATHN];   /* its build folder */
    char figdir[PATHN]; /* its figures */
    char results[PATHN];
} side;

/* Resolve S->spec to a commit and label the side. */
int repro_side_resolve(side *s);
/* Make a worktree of S->commit at OUT/wt-<a|b> (PREFIX: the project's folder inside the
 * repository); sets its project, build and figures folders. */
int repro_side_worktree(side *s, const char *out, const char *prefix, const char *log);
/* Remove a worktree this command made (or a stale one left by an interrupted run); a folder
 * that is not a worktree is never touched. */
void repro_side_remove_worktree(const char *wt, const char *log);
/* Give the worktree side S what the working tree T has built: its engine when the engine
 * sources are the same (TREE_BDIR its build folder), and its finished stages (each re-judged by
 * the worktree's own `repro stage`). */
void repro_side_reuse(const side *t, side *s, const char *tree_bdir, const char *log);
/* Build side S with `make figures` (or `make paper` for an old Makefile); log in LOG. */
int repro_side_build(const side *s, const char *log);
/* Set up S as the folder S->spec (--dirs), or as the working tree with its build and figures
 * folders. */
int repro_side_dir(side *s);
void repro_side_tree(side *s, const char *build_dir, const char *fig_dir);

#endif
