#ifndef MINICATALOG_ZLIB_SHIM_H
#define MINICATALOG_ZLIB_SHIM_H

#include <zlib.h>

/// inflateInit2 is a macro (it passes the library version and the stream size): a function Swift can call.
/// Raw deflate (no zlib or gzip header), as zip entries store it.
static inline int minicatalog_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

#endif
