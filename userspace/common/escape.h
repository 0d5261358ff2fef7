/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * escape: text that came from outside is data, never control.
 *
 * Everything esol did not write itself -- a server's reply and headers,
 * a PAC script's answer and errors, a proxy's reply, what WPAD found, a
 * configuration value, a control-socket request -- goes through here
 * before it reaches a log line, the transmission log, `esolctl status`
 * or a terminal.  The result:
 *
 *   - has no control character: C0 (including newline, carriage return,
 *     tab and ESC), DEL, and the C1 range U+0080..U+009F are written as
 *     \n, \r, \t or \xHH (the byte, or the UTF-8 bytes of a C1 code
 *     point);
 *   - has no byte that is not valid UTF-8 (each such byte is \xHH), and
 *     no code point that reorders or breaks a line on a terminal or in a
 *     viewer (U+2028, U+2029, the bidirectional controls U+200E/F,
 *     U+202A..U+202E, U+2066..U+2069): \u{XXXX};
 *   - is bounded: at most size - 1 bytes; text cut there ends in "...".
 *
 * Printable ASCII and valid UTF-8 are kept as they are, and a backslash
 * is kept as it is, so escaping already escaped text changes nothing
 * (escaping is idempotent: a message escaped at the network boundary and
 * again by esolctl reads the same).  Pure functions: no allocation, no
 * logging, no state.
 */
#ifndef ESOL_COMMON_ESCAPE_H
#define ESOL_COMMON_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* What the agent lets one piece of outside text grow to in a log line. */
#define ESC_FIELD_MAX	512

/*
 * Escape len bytes of src into dst (size bytes, always NUL-terminated when
 * size > 0).  src may hold NUL bytes (escaped as \x00).  Returns dst.
 */
char *esc_buf(char *dst, size_t size, const void *src, size_t len);

/* The same for a NUL-terminated string (NULL reads as ""). */
char *esc_str(char *dst, size_t size, const char *src);

/*
 * Escape s in place, in its buffer of size bytes (the escaped text is cut
 * to fit).  For fixed-size message fields filled from outside text.
 */
void esc_inplace(char *s, size_t size);

/* Would esc_str() leave s as it is (no control, nothing to escape)? */
bool esc_is_clean(const char *s);

#endif /* ESOL_COMMON_ESCAPE_H */
