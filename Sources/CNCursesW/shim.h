#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
// SwiftPM drops ncursesw's pkg-config cflags, so ask for the wide-character API here.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros Swift does not import, as functions.
static inline attr_t ccurses_bold(void) { return A_BOLD; }
static inline attr_t ccurses_reverse(void) { return A_REVERSE; }
static inline attr_t ccurses_dim(void) { return A_DIM; }
static inline attr_t ccurses_underline(void) { return A_UNDERLINE; }
static inline int ccurses_key_f(int n) { return KEY_F(n); }
static inline int ccurses_width(WINDOW *window) { return getmaxx(window); }
static inline int ccurses_height(WINDOW *window) { return getmaxy(window); }
// Sets the attributes and colour pair for what is written next.
static inline int ccurses_style(WINDOW *window, attr_t attributes, short pair) {
    return wattr_set(window, attributes, pair, NULL);
}
// Writes a wide string at (y, x).
static inline int ccurses_write(WINDOW *window, int y, int x, const wchar_t *text, int count) {
    return mvwaddnwstr(window, y, x, text, count);
}
// stdscr is shared mutable state Swift 6 refuses; read it through a function.
static inline WINDOW *stdscr_shim(void) { return stdscr; }
#endif
