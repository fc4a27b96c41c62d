#include "CMalloc.h"

#if defined(__linux__)
#include <malloc.h>
#endif

#if defined(__GLIBC__)

int conveyor_malloc_set_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}

int conveyor_malloc_trim(void) {
    return malloc_trim(0);
}
#else
int conveyor_malloc_set_arena_max(int count) {
    (void)count;
    return 0;
}

int conveyor_malloc_trim(void) {
    return 0;
}
#endif
