#ifndef CONVEYOR_C_MALLOC_H
#define CONVEYOR_C_MALLOC_H

/// glibc's malloc tuning, which the Swift Glibc module does not export (<malloc.h>).
/// Elsewhere both do nothing and return 0.

/// mallopt(M_ARENA_MAX, count): at most `count` arenas. Returns 1 when set, 0 otherwise.
int conveyor_malloc_set_arena_max(int count);

/// malloc_trim(0): gives the free pages of every arena back to the kernel. Returns 1 when
/// memory was released, 0 otherwise.
int conveyor_malloc_trim(void);

#endif
