#ifndef MINICATALOG_HEAP_STATS_H
#define MINICATALOG_HEAP_STATS_H

#include <malloc.h>
#include <stddef.h>

/// Bytes glibc's heap has handed out and not taken back: what the benchmarks call "held".
static inline size_t minicatalog_heap_in_use(void) {
    return mallinfo2().uordblks;
}

#endif
