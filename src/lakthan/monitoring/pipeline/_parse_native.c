/* Native kernel of the log parsers (parsers.py): the lines of a file's bytes, and RFC 5424 and RFC 3164
 * syslog lines parsed in one pass, with the action, user and address found in the message
 * (parsers._ACTIONS).
 *
 * Why C: polars evaluates every field as its own pass over all the strings (splits, regular
 * expressions, chrono's timestamp parser), about 4 s per million RFC 5424 lines on the 2-core
 * machine, and Python's line splitting 0.4 s more; item 5 asks for a million events per second
 * from file to alerts, which leaves about 0.25 s per million lines for parsing. This kernel takes
 * about 0.2 s for them on two threads, most of it writing the columns, and copies no string: every
 * string column is Arrow string views into the caller's bytes. The polars expressions in
 * parsers.py stay the specification; they parse every line this kernel declines (timestamps not in
 * the strict RFC 3339 form, non-ASCII structured data, RFC 3164 lines not in their usual form, ...),
 * and the tests check that both give the same rows. RFC 3164 lines take about as long as RFC 5424
 * ones; their times are put in the caller's zone by parsers._in_zone.
 *
 * Lines are the data split at "\n", or (offsets given) data[offsets[i]:offsets[i + 1]]; in both,
 * trailing "\r" and "\n" are taken off and blank lines (only characters Python's str.isspace
 * accepts) left out. parse_syslog's data must be valid UTF-8 (valid_utf8 checks); lines takes any
 * bytes, a sequence that is not UTF-8 being no space (parsers keeps the lines of bytes that are not
 * UTF-8 so, beside their replaced copy), and a fuzz test checks it.
 *
 * Both functions count the lines in a first pass and fill the columns made for that many in a
 * second. A caller's buffer may be mutable (a bytearray or memoryview another thread writes to in
 * between): the second pass stops at the first pass's count and refuses lines longer than it
 * checked, and the offsets are copied before they are checked, so a change cannot make the kernel
 * write or read outside its buffers; the call fails with ValueError instead.
 *
 * valid_utf8(data) -> bool
 * count_newlines(data) -> int   how many "\n" (bytes.count's, vectorized by the compiler, without the GIL)
 * lines(data, offsets, window_bits, threads, limit=-1) -> bytes   the lines' views (the first limit)
 * parse_syslog(data, offsets, window_bits, threads, year) -> {column: (validity bitmap or None, values)}
 *     raw, host, app, pid, fmt, msg, action, user, src_ip: views; ts (microseconds), severity, seq:
 *     int64; parsed, handled, local: bitmaps. A row not handled is left to the polars expressions.
 *     ts is UTC, or where local is set (RFC 3164) the wall-clock time in year (1..9999, else every
 *     RFC 3164 line is declined) of a zone the caller knows, as if it were UTC.
 * constants() -> bytes   buffer 0 of the views
 *
 * Views of strings longer than 12 bytes point into buffer 0 (constants()) or into buffer
 * 1 + (start >> window_bits), which the caller makes the window of the data starting at that
 * multiple of 2^window_bits and 2^(window_bits + 1) bytes long: windows overlap, so every line of
 * at most 2^window_bits bytes lies inside one (Arrow's view offsets are 32-bit).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers -------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    int64_t n;
} span_t;

#define INLINE static inline __attribute__((always_inline))

/* buffer 0 of the views: the names this kernel writes (fmt, then the actions in enum order), and
 * zeros so that 16 bytes can be read from any of them */
static const char CONSTANTS[] = "syslog5424" "raw"
                                "ssh_failed" "ssh_invalid_user" "ssh_accepted" "user_created" "sudo_granted"
                                "sudo_command" "syslog3164" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
static const span_t FMT_5424 = {(const uint8_t *)CONSTANTS, 10}, FMT_RAW = {(const uint8_t *)CONSTANTS + 10, 3},
                    FMT_3164 = {(const uint8_t *)CONSTANTS + 87, 10};
static const span_t ACTION_NAMES[] = {
    {(const uint8_t *)CONSTANTS + 13, 10}, {(const uint8_t *)CONSTANTS + 23, 16}, {(const uint8_t *)CONSTANTS + 39, 12},
    {(const uint8_t *)CONSTANTS + 51, 12}, {(const uint8_t *)CONSTANTS + 63, 12}, {(const uint8_t *)CONSTANTS + 75, 12},
};

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "Arrow's buffers are little-endian; the views are built in 64-bit words"
#endif

static PyObject *new_bytes(Py_ssize_t size, uint8_t **out) {
    PyObject *b = PyBytes_FromStringAndSize(NULL, size);
    if (!b) return NULL;
    *out = (uint8_t *)PyBytes_AS_STRING(b);
    return b;
}

/* where the strings of views are: data (cut in windows) or CONSTANTS */
typedef struct {
    const uint8_t *data, *end;
    int window_bits;
} strings_t;

INLINE uint64_t first_bytes(uint64_t word, int64_t n) {
    return n >= 8 ? word : n <= 0 ? 0 : word & ((UINT64_C(1) << (8 * n)) - 1);
}

/* the Arrow string view of s (NULL data: a null, all zeros): its length, then the string itself
 * when it fits in 12 bytes, else its first four bytes, the buffer index and the offset in that
 * buffer. Built in two words from one 16-byte read where the buffer has them. */
INLINE void put_view(uint8_t *v, span_t s, const strings_t *b) {
    const uint8_t *constants = (const uint8_t *)CONSTANTS;
    uint64_t w0 = 0, w1 = 0, lo = 0, hi = 0;
    int constant = (uintptr_t)s.data >= (uintptr_t)constants && (uintptr_t)s.data < (uintptr_t)(constants + sizeof CONSTANTS);
    if (s.data && (constant || b->end - s.data >= 16)) {
        memcpy(&w0, s.data, 8);
        memcpy(&w1, s.data + 8, 8);
    } else if (s.data) {
        uint8_t padded[16] = {0};
        memcpy(padded, s.data, (size_t)(s.n < 16 ? s.n : 16));
        memcpy(&w0, padded, 8);
        memcpy(&w1, padded + 8, 8);
    }
    if (s.data && s.n <= 12) {
        w0 = first_bytes(w0, s.n);
        lo = (uint64_t)s.n | w0 << 32;
        hi = w0 >> 32 | first_bytes(w1, s.n - 8) << 32;
    } else if (s.data) {
        int64_t start = s.data - (constant ? constants : b->data), window = constant ? -1 : start >> b->window_bits;
        int64_t offset = constant ? start : start - (window << b->window_bits);
        lo = (uint64_t)s.n | (w0 & 0xFFFFFFFFu) << 32;
        hi = (uint64_t)(uint32_t)(1 + window) | (uint64_t)offset << 32;
    }
    memcpy(v, &lo, 8);
    memcpy(v + 8, &hi, 8);
}

/* ---- characters ----------------------------------------------------------------------------- */

/* Bytes of the Unicode White_Space character at p (the regular expressions' \s), 0 if there is none.
 * Multi-byte ones start with 0xC2, 0xE1, 0xE2 or 0xE3, never a continuation byte, so scanning byte
 * by byte finds them only where they start. */
INLINE int space_len(const uint8_t *p, const uint8_t *end) {
    uint8_t c = p[0];
    if (c == ' ' || (c >= 9 && c <= 13)) return 1;
    if (c < 0x80) return 0;
    if (c == 0xC2 && end - p >= 2 && (p[1] == 0x85 || p[1] == 0xA0)) return 2;
    if (end - p < 3) return 0;
    if (c == 0xE1 && p[1] == 0x9A && p[2] == 0x80) return 3;                  /* U+1680 */
    if (c == 0xE2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3;                                                              /* U+2000-200A, 2028, 2029, 202F */
    if (c == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) return 3;                   /* U+205F */
    if (c == 0xE3 && p[1] == 0x80 && p[2] == 0x80) return 3;                   /* U+3000 */
    return 0;
}

/* Python's str.isspace also counts the separators U+001C..U+001F */
static int py_space_len(const uint8_t *p, const uint8_t *end) {
    if (*p >= 0x1C && *p <= 0x1F) return 1;
    return space_len(p, end);
}

static int is_blank(const uint8_t *p, const uint8_t *end) {
    while (p < end) {
        int k = py_space_len(p, end);
        if (!k) return 0;
        p += k;
    }
    return 1;
}

/* the end of \S+ from p (p itself when p is at a space or the end) */
static const uint8_t *token_end(const uint8_t *p, const uint8_t *end) {
    while (p < end && !space_len(p, end)) p++;
    return p;
}

INLINE int starts_with(const uint8_t *p, const uint8_t *end, const char *lit) {
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* the first lit in [p, end); glibc's memmem prepares its search longer than these messages take */
INLINE const uint8_t *find(const uint8_t *p, const uint8_t *end, const char *lit) {
    size_t n = strlen(lit);
    while (p < end && (size_t)(end - p) >= n) {
        p = memchr(p, lit[0], (size_t)(end - p) - n + 1);
        if (!p) return NULL;
        if (memcmp(p + 1, lit + 1, n - 1) == 0) return p;
        p++;
    }
    return NULL;
}

INLINE int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static int is_ip_char(uint8_t c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

/* ---- actions (parsers._ACTIONS: the regular expressions are the specification) --------------- */

enum { NO_ACTION = -1, SSH_FAILED, SSH_INVALID_USER, SSH_ACCEPTED, USER_CREATED, SUDO_GRANTED, SUDO_COMMAND };

/* only the regular expression of the first literal the message holds is tried (parsers._enrich) */
static const char *const LITERALS[] = {"Failed ", "Invalid user ", "Accepted ", "new user: ", "to group ", "COMMAND="};
static const size_t LITERAL_LEN[] = {7, 13, 9, 10, 9, 8};

typedef struct {
    int action;
    span_t user, ip;
} found_t;

/* "(\S+) from ([0-9a-fA-F.:]+)" at p */
static int user_from(const uint8_t *p, const uint8_t *end, found_t *f) {
    const uint8_t *t = token_end(p, end), *ip, *e;
    if (t == p || !starts_with(t, end, " from ")) return 0;
    ip = e = t + 6;
    while (e < end && is_ip_char(*e)) e++;
    if (e == ip) return 0;
    f->user = (span_t){p, t - p};
    f->ip = (span_t){ip, e - ip};
    return 1;
}

static int ssh_failed(const uint8_t *msg, const uint8_t *end, found_t *f) {
    for (const uint8_t *p = find(msg, end, "Failed "); p; p = find(p + 1, end, "Failed ")) {
        const uint8_t *q = p + 7;
        if (starts_with(q, end, "password for "))
            q += 13;
        else if (starts_with(q, end, "publickey for "))
            q += 14;
        else
            continue;
        if (starts_with(q, end, "invalid user ") && user_from(q + 13, end, f)) return 1;
        if (user_from(q, end, f)) return 1;
    }
    return 0;
}

static int ssh_invalid_user(const uint8_t *msg, const uint8_t *end, found_t *f) {
    for (const uint8_t *p = find(msg, end, "Invalid user "); p; p = find(p + 1, end, "Invalid user "))
        if (user_from(p + 13, end, f)) return 1;
    return 0;
}

static int ssh_accepted(const uint8_t *msg, const uint8_t *end, found_t *f) {
    for (const uint8_t *p = find(msg, end, "Accepted "); p; p = find(p + 1, end, "Accepted ")) {
        const uint8_t *method = p + 9, *t = token_end(method, end);
        if (t > method && starts_with(t, end, " for ") && user_from(t + 5, end, f)) return 1;
    }
    return 0;
}

static int user_created(const uint8_t *msg, const uint8_t *end, found_t *f) {
    for (const uint8_t *p = find(msg, end, "new user: name="); p; p = find(p + 1, end, "new user: name=")) {
        const uint8_t *q = p + 15, *e = q;
        while (e < end && *e != ',' && !space_len(e, end)) e++;
        if (e > q) {
            f->user = (span_t){q, e - q};
            return 1;
        }
    }
    return 0;
}

/* "add '([^']+)' to group '(?:sudo|wheel|admin)'" or "adding user (\S+) to group (?:sudo|wheel)",
 * whichever matches first */
static int sudo_granted(const uint8_t *msg, const uint8_t *end, found_t *f) {
    for (const uint8_t *p = find(msg, end, "add"); p; p = find(p + 1, end, "add")) {
        if (starts_with(p, end, "add '")) {
            const uint8_t *q = p + 5, *e = memchr(q, '\'', (size_t)(end - q));
            if (e && e > q && starts_with(e, end, "' to group '")) {
                const uint8_t *g = e + 12;
                if (starts_with(g, end, "sudo'") || starts_with(g, end, "wheel'") || starts_with(g, end, "admin'")) {
                    f->user = (span_t){q, e - q};
                    return 1;
                }
            }
        } else if (starts_with(p, end, "adding user ")) {
            const uint8_t *q = p + 12, *t = token_end(q, end);
            if (t > q && starts_with(t, end, " to group ")) {
                const uint8_t *g = t + 10;
                if (starts_with(g, end, "sudo") || starts_with(g, end, "wheel")) {
                    f->user = (span_t){q, t - q};
                    return 1;
                }
            }
        }
    }
    return 0;
}

/* "^\s*(\S+) : .*COMMAND=(.*)$": "." does not match "\n", so nothing after " : " may hold one */
static int sudo_command(const uint8_t *msg, const uint8_t *end, found_t *f) {
    const uint8_t *p = msg, *t;
    int k;
    while (p < end && (k = space_len(p, end))) p += k;
    t = token_end(p, end);
    if (t == p || !starts_with(t, end, " : ")) return 0;
    if (!find(t + 3, end, "COMMAND=") || memchr(t + 3, '\n', (size_t)(end - t - 3))) return 0;
    f->user = (span_t){p, t - p};
    return 1;
}

/* the index of the first of LITERALS in msg, NO_ACTION if none. Their first two bytes differ (and
 * rarely come together in other words): those of 16 positions at a time are compared at once. */
typedef uint8_t bytes16 __attribute__((vector_size(16)));

static int first_literal(const uint8_t *msg, const uint8_t *end) {
    static const uint8_t first[] = {'F', 'I', 'A', 'n', 't', 'C'}, second[] = {'a', 'n', 'c', 'e', 'o', 'O'};
    static const uint8_t literal_of_first[256] = {['F'] = 1, ['I'] = 2, ['A'] = 3, ['n'] = 4, ['t'] = 5, ['C'] = 6};
    int best = NO_ACTION;
    for (const uint8_t *block = msg; block + 1 < end; block += 16) {
        bytes16 a, b, hit = {0};
        uint64_t words[2];
        if (end - block < 17 && end - msg >= 17) {
            block = end - 17; /* the last 16 positions (looking at some again changes nothing) */
        } else if (end - block < 17) { /* a short message, zero-padded */
            uint8_t padded[32] = {0};
            memcpy(padded, block, (size_t)(end - block));
            memcpy(&a, padded, 16);
            memcpy(&b, padded + 1, 16);
        }
        if (end - block >= 17) {
            memcpy(&a, block, 16);
            memcpy(&b, block + 1, 16);
        }
        for (int k = 0; k < 6; k++) hit |= (bytes16)((a == first[k]) & (b == second[k]));
        memcpy(words, &hit, 16);
        for (int w = 0; w < 2; w++) {
            for (uint64_t bits = words[w]; bits;) {
                int byte = __builtin_ctzll(bits) / 8; /* a hit is a byte of ones */
                bits &= ~(UINT64_C(0xFF) << (8 * byte));
                const uint8_t *p = block + 8 * w + byte;
                int k = literal_of_first[a[8 * w + byte]] - 1; /* the byte compared, not *p read again */
                if ((best == NO_ACTION || k < best) && (size_t)(end - p) >= LITERAL_LEN[k] &&
                    memcmp(p, LITERALS[k], LITERAL_LEN[k]) == 0) {
                    if (k == 0) return k;
                    best = k;
                }
            }
        }
    }
    return best;
}

static void find_action(const uint8_t *msg, int64_t n, found_t *f) {
    static int (*const match[])(const uint8_t *, const uint8_t *, found_t *) = {
        ssh_failed, ssh_invalid_user, ssh_accepted, user_created, sudo_granted, sudo_command};
    int k = first_literal(msg, msg + n);
    f->action = k != NO_ACTION && match[k](msg, msg + n, f) ? k : NO_ACTION;
}

/* ---- RFC 5424 -------------------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int64_t m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

INLINE int digits(const uint8_t *p, int n, int64_t *out) {
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i])) return 0;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

/* Consecutive lines mostly share their date, hour and minute: the seconds since 1970 of the last
 * "YYYY-MM-DDTHH:MM" seen are kept (per thread) */
typedef struct {
    uint8_t minute[16];
    int64_t seconds; /* -1: none yet */
} minute_cache_t;

/* "YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)" at s, as microseconds since 1970 UTC (the fraction
 * cut to microseconds, as polars does): the end of it, or NULL for anything else (polars accepts
 * more; those lines go to it) */
static const uint8_t *rfc3339_us(const uint8_t *s, const uint8_t *end, minute_cache_t *cache, int64_t *out) {
    int64_t y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0, sign = 1;
    int fdigits = 0;
    if (end - s < 20 || s[16] != ':' || !digits(s + 17, 2, &sec) || sec > 59) return NULL;
    if (cache->seconds < 0 || memcmp(cache->minute, s, 16) != 0) {
        if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || !digits(s, 4, &y) ||
            !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi))
            return NULL;
        if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59) return NULL;
        memcpy(cache->minute, s, 16);
        cache->seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
    }
    s += 19;
    if (*s == '.') {
        for (s++; s < end && is_digit(*s); s++, fdigits++)
            if (fdigits < 6) frac = frac * 10 + (*s - '0');
        if (fdigits == 0 || fdigits > 9) return NULL;
        for (int k = fdigits; k < 6; k++) frac *= 10;
    }
    if (s < end && *s == 'Z') {
        s += 1;
    } else if (end - s >= 6 && (*s == '+' || *s == '-') && s[3] == ':' && digits(s + 1, 2, &oh) &&
               digits(s + 4, 2, &om) && oh <= 23 && om <= 59) {
        sign = *s == '+' ? 1 : -1;
        s += 6;
    } else {
        return NULL;
    }
    *out = (cache->seconds + sec - sign * (oh * 3600 + om * 60)) * 1000000 + frac;
    return s;
}

enum { DECLINED = 0, PARSED = 1, UNPARSED = 2 };

typedef struct {
    int64_t ts, severity, seq;
    int has_severity, has_seq, local; /* local: ts is wall-clock time in the caller's zone */
    span_t host, app, pid, msg;       /* data NULL: null */
} syslog_t;

static span_t nil(span_t s) { return (s.n == 1 && s.data[0] == '-') ? (span_t){NULL, 0} : s; }

/* 'sequenceId="(\d+)"' in the structured data, as an int64 (null when it does not fit, as polars'
 * cast); the caller has checked that sd is ASCII */
static int sequence_id(span_t sd, int64_t *out) {
    const uint8_t *end = sd.data + sd.n;
    for (const uint8_t *p = find(sd.data, end, "sequenceId=\""); p; p = find(p + 1, end, "sequenceId=\"")) {
        const uint8_t *q = p + 12, *e = q;
        int64_t v = 0;
        int overflow = 0;
        for (; e < end && is_digit(*e); e++) {
            if (v > (INT64_MAX - 9) / 10 && (v > INT64_MAX / 10 || *e - '0' > INT64_MAX % 10)) overflow = 1;
            v = overflow ? 0 : v * 10 + (*e - '0');
        }
        if (e > q && e < end && *e == '"') {
            *out = v;
            return !overflow;
        }
    }
    return 0;
}

static int all_ascii(const uint8_t *p, const uint8_t *end) {
    uint64_t high = 0, w;
    for (; end - p >= 8; p += 8) {
        memcpy(&w, p, 8);
        high |= w;
    }
    for (; p < end; p++) high |= *p;
    return !(high & UINT64_C(0x8080808080808080));
}

/* the first " " from p, or end; eight bytes at a time (a zero byte of word ^ spaces is a space) */
static const uint8_t *next_space(const uint8_t *p, const uint8_t *end) {
    const uint64_t ones = UINT64_C(0x0101010101010101), spaces = ones * ' ', highs = ones * 0x80;
    for (; end - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= spaces;
        uint64_t zero = (w - ones) & ~w & highs; /* its lowest bit marks the first zero byte */
        if (zero) return p + __builtin_ctzll(zero) / 8;
    }
    while (p < end && *p != ' ') p++;
    return p;
}

/* parsers._split_5424 and _syslog for one line; DECLINED where they would need polars' own rules */
static int parse_5424(const uint8_t *line, int64_t n, minute_cache_t *cache, syslog_t *out) {
    const uint8_t *end = line + n, *p = line + 1;
    int64_t pri = 0;
    span_t field[4];
    if (n < 4 || line[0] != '<') return DECLINED;
    while (p < end && p - line <= 4 && is_digit(*p)) p++;
    if (p == line + 1 || p - line > 4 || end - p < 2 || p[0] != '>' || p[1] != '1') return DECLINED;
    digits(line + 1, (int)(p - line - 1), &pri);
    p += 2;
    /* "<PRI>1" not followed by a space is no header, and no RFC 3164 line starts so */
    if (p == end || *p != ' ') return UNPARSED;
    /* splitn(" ", 7): timestamp, host, app, pid, msgid, then the rest (structured data and message) */
    p = rfc3339_us(p + 1, end, cache, &out->ts);
    if (!p || (p < end && *p != ' ')) return DECLINED;
    for (int k = 0; k < 4; k++) {
        if (p == end) return UNPARSED;
        const uint8_t *sp = next_space(p + 1, end);
        field[k] = (span_t){p + 1, sp - p - 1};
        p = sp;
    }
    if (p == end) return UNPARSED;
    span_t rest = {p + 1, end - p - 1}, sd = rest, msg = {NULL, 0};
    const uint8_t *r = rest.data;
    if ((rest.n >= 2 && r[0] == '-' && r[1] == ' ') || (rest.n == 1 && r[0] == '-')) {
        sd.n = 1;
        msg = rest.n >= 2 ? (span_t){r + 2, rest.n - 2} : (span_t){r + 1, 0};
    } else if (rest.n >= 1 && r[0] == '[') {
        /* it ends at the first "]" after a non-backslash and before a space or the end; polars finds
         * that in bytes but slices in characters, so only ASCII up to there is done here */
        const uint8_t *q = r + 1;
        while ((q = memchr(q, ']', (size_t)(end - q))) && (q[-1] == '\\' || (q + 1 < end && q[1] != ' '))) q++;
        if (!all_ascii(r, q ? q : end)) return DECLINED;
        if (q) {
            sd.n = q + 1 - r;
            msg = q + 1 < end ? (span_t){q + 2, end - q - 2} : (span_t){end, 0};
        }
    } else if (!all_ascii(r, end)) {
        return DECLINED; /* the structured data is the whole rest, searched for a sequenceId */
    }
    out->severity = pri % 8;
    out->has_severity = 1;
    out->local = 0;
    out->has_seq = sequence_id(sd, &out->seq);
    out->host = nil(field[0]);
    out->app = nil(field[1]);
    out->pid = nil(field[2]);
    out->msg = msg.data ? msg : (span_t){line, n}; /* no message: the raw line */
    return PARSED;
}

/* ---- RFC 3164 -------------------------------------------------------------------------------- */

/* "Mmm" at p as chrono's %b reads the [A-Z][a-z]{2} of parsers.RE_3164: the month 1..12, 0 if none */
static int month_of(const uint8_t *p) {
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int m = 0; m < 12; m++)
        if (memcmp(p, names + 3 * m, 3) == 0) return m + 1;
    return 0;
}

/* parsers.RE_3164 and _syslog's time ("%Y %b %d %H:%M:%S" with the year given) for one line. Only
 * lines they parse, in ASCII digits and without a leap second, are PARSED; every other is DECLINED,
 * never UNPARSED: the polars expressions decide those. The time is the wall-clock time as if UTC;
 * the caller puts it in its zone (which may decline the line again, where that time does not exist). */
static int parse_3164(const uint8_t *line, int64_t n, int64_t year, syslog_t *out) {
    const uint8_t *end = line + n, *p = line, *q;
    int64_t pri = 0, month, day, h, mi, sec;
    int has_pri = 0;
    if (year < 1 || year > 9999) return DECLINED;
    if (p < end && *p == '<') {
        for (q = p + 1; q < end && q - p <= 3 && is_digit(*q); q++) {}
        if (q == p + 1 || q == end || *q != '>') return DECLINED;
        digits(p + 1, (int)(q - p - 1), &pri);
        has_pri = 1;
        p = q + 1;
    }
    /* "Mmm +d{1,2} hh:mm:ss " */
    if (end - p < 16 || !(month = month_of(p)) || p[3] != ' ') return DECLINED;
    for (p += 4; p < end && *p == ' '; p++) {}
    for (q = p; q < end && q - p < 2 && is_digit(*q); q++) {}
    if (q == p || end - q < 10 || q[0] != ' ' || q[3] != ':' || q[6] != ':' || q[9] != ' ') return DECLINED;
    if (!digits(p, (int)(q - p), &day) || !digits(q + 1, 2, &h) || !digits(q + 4, 2, &mi) || !digits(q + 7, 2, &sec)) return DECLINED;
    if (day < 1 || day > days_in_month(year, month) || h > 23 || mi > 59 || sec > 59) return DECLINED;
    /* "(\S+) ([^:\[\s]+)(?:\[(\d+)\])?: ?(.*)$" */
    const uint8_t *host = q + 10, *host_end = token_end(host, end), *app = host_end + 1, *app_end = app;
    if (host_end == host || host_end == end || *host_end != ' ') return DECLINED;
    while (app_end < end && *app_end != ':' && *app_end != '[' && !space_len(app_end, end)) app_end++;
    if (app_end == app || app_end == end) return DECLINED;
    out->pid = (span_t){NULL, 0};
    p = app_end;
    if (*p == '[') {
        for (q = p + 1; q < end && is_digit(*q); q++) {}
        if (q == p + 1 || q == end || *q != ']') return DECLINED;
        out->pid = (span_t){p + 1, q - p - 1};
        p = q + 1;
    }
    if (p == end || *p != ':') return DECLINED;
    p += p + 1 < end && p[1] == ' ' ? 2 : 1;
    if (memchr(p, '\n', (size_t)(end - p))) return DECLINED; /* "." does not match it */
    out->ts = ((days_from_civil(year, month, day) * 24 + h) * 3600 + mi * 60 + sec) * 1000000;
    out->severity = pri % 8;
    out->has_severity = has_pri;
    out->has_seq = 0;
    out->local = 1;
    out->host = (span_t){host, host_end - host};
    out->app = (span_t){app, app_end - app};
    out->msg = (span_t){p, end - p};
    return PARSED;
}

/* ---- lines ----------------------------------------------------------------------------------- */

/* where lines come from: data split at "\n", or lines given by offsets[i], offsets[i + 1] */
typedef struct {
    const uint8_t *data;
    int64_t size;
    int64_t *offsets; /* NULL: split at "\n"; else this kernel's own checked copy of the caller's */
    int64_t count;    /* lines given by offsets */
} source_t;

/* a thread's part of the source: bytes (split) or lines (offsets) [pos, stop) */
typedef struct {
    int64_t pos, stop;
} cursor_t;

/* the next line that is not blank, as Python's str.rstrip("\r\n") and str.strip() see it; 0 at the end */
static int next_line(const source_t *src, cursor_t *c, span_t *line) {
    while (c->pos < c->stop) {
        const uint8_t *start, *end;
        if (src->offsets) {
            start = src->data + src->offsets[c->pos];
            end = src->data + src->offsets[c->pos + 1];
            c->pos++;
        } else {
            start = src->data + c->pos;
            end = memchr(start, '\n', (size_t)(c->stop - c->pos));
            if (!end) end = src->data + c->stop;
            c->pos = end - src->data + 1;
        }
        while (end > start && (end[-1] == '\n' || end[-1] == '\r')) end--;
        if (!is_blank(start, end)) {
            *line = (span_t){start, end - start};
            return 1;
        }
    }
    return 0;
}

/* the parts of the source for n threads: bytes cut after a "\n", or lines */
static void share(const source_t *src, int n, cursor_t *parts) {
    int64_t total = src->offsets ? src->count : src->size, start = 0;
    for (int t = 0; t < n; t++) {
        int64_t stop = t == n - 1 ? total : total / n * (t + 1);
        if (!src->offsets && stop > start && stop < total) {
            const uint8_t *nl = memchr(src->data + stop - 1, '\n', (size_t)(total - stop + 1));
            stop = nl ? nl - src->data + 1 : total;
        }
        if (stop < start) stop = start;
        parts[t] = (cursor_t){start, stop};
        start = stop;
    }
}

enum { C_HOST, C_APP, C_PID, C_FMT, C_MSG, C_ACTION, C_USER, C_SRC_IP, N_STRINGS };
enum { C_TS, C_SEVERITY, C_SEQ, N_INTS };
/* validity bitmaps of the string then the int columns, then the parsed, handled and local columns */
enum { B_INTS = N_STRINGS, B_PARSED = N_STRINGS + N_INTS, B_HANDLED, B_LOCAL, N_BITMAPS };
static const char *const STRING_NAMES[] = {"host", "app", "pid", "fmt", "msg", "action", "user", "src_ip"};
static const char *const INT_NAMES[] = {"ts", "severity", "seq"};

typedef struct {
    const source_t *src;
    cursor_t part;
    int64_t limit;                    /* the most rows, -1: all */
    int64_t year;                     /* of RFC 3164 lines */
    int64_t first_row, rows, longest; /* rows and the longest line: counted by count_lines */
    strings_t strings;
    int parse;                        /* else only raw */
    int changed;                      /* fill_rows found other lines than count_lines counted */
    uint8_t *raw, *views[N_STRINGS], *bitmaps[N_BITMAPS];
    int64_t *ints[N_INTS];
} job_t;

static void *count_lines(void *arg) {
    job_t *j = arg;
    cursor_t c = j->part;
    span_t line;
    j->rows = j->longest = 0;
    while ((j->limit < 0 || j->rows < j->limit) && next_line(j->src, &c, &line)) {
        j->rows++;
        if (line.n > j->longest) j->longest = line.n;
    }
    if (c.pos < j->part.stop) j->part.stop = c.pos; /* the limit reached */
    return NULL;
}

/* runs fn on every job, the first in this thread */
static void run_jobs(job_t *jobs, int n, void *(*fn)(void *)) {
    pthread_t ids[16];
    int started[16] = {0};
    for (int t = 1; t < n; t++) started[t] = pthread_create(&ids[t], NULL, fn, &jobs[t]) == 0;
    fn(&jobs[0]);
    for (int t = 1; t < n; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            fn(&jobs[t]);
    }
}

/* ---- parse_syslog ---------------------------------------------------------------------------- */

/* the bits of 8 rows, from the row whose index is a multiple of 8; another thread's rows may share
 * the first and the last byte of this thread's */
static void flush_bits(const job_t *j, int64_t row, uint8_t *bits) {
    int64_t byte = row >> 3;
    int shared = byte == j->first_row >> 3 || byte == (j->first_row + j->rows - 1) >> 3;
    for (int k = 0; k < N_BITMAPS; k++) {
        if (shared)
            __atomic_fetch_or(&j->bitmaps[k][byte], bits[k], __ATOMIC_RELAXED);
        else
            j->bitmaps[k][byte] = bits[k];
        bits[k] = 0;
    }
}

/* The second pass: the rows count_lines counted, no more, even where the data has changed since (a
 * caller's bytearray or memoryview another thread writes to): the columns were made for that many
 * rows, and the views for lines of at most 2^window_bits bytes. Lines other than those counted set
 * changed, and the caller discards the columns. */
static void *fill_rows(void *arg) {
    job_t *j = arg;
    cursor_t c = j->part;
    minute_cache_t cache = {.seconds = -1};
    uint8_t bits[N_BITMAPS] = {0};
    span_t line;
    int64_t row = j->first_row, stop = j->first_row + j->rows, longest = (int64_t)1 << j->strings.window_bits;
    for (; row < stop && next_line(j->src, &c, &line); row++) {
        if (line.n > longest) break;
        put_view(j->raw + 16 * row, line, &j->strings);
        if (!j->parse) continue;
        span_t str[N_STRINGS];
        int64_t num[N_INTS] = {0};
        uint8_t bit = (uint8_t)(1u << (row & 7));
        syslog_t f;
        for (int k = 0; k < N_STRINGS; k++) str[k].data = NULL; /* null */
        int status = parse_5424(line.data, line.n, &cache, &f);
        if (status == DECLINED) status = parse_3164(line.data, line.n, j->year, &f);
        if (status != DECLINED) {
            bits[B_HANDLED] |= bit;
            str[C_MSG] = line;
            str[C_FMT] = FMT_RAW;
        }
        if (status == PARSED) {
            bits[B_PARSED] |= bit;
            bits[B_INTS + C_TS] |= bit;
            num[C_TS] = f.ts;
            if (f.local) bits[B_LOCAL] |= bit;
            if (f.has_severity) {
                bits[B_INTS + C_SEVERITY] |= bit;
                num[C_SEVERITY] = f.severity;
            }
            if (f.has_seq) {
                bits[B_INTS + C_SEQ] |= bit;
                num[C_SEQ] = f.seq;
            }
            str[C_HOST] = f.host;
            str[C_APP] = f.app;
            str[C_PID] = f.pid;
            str[C_MSG] = f.msg;
            str[C_FMT] = f.local ? FMT_3164 : FMT_5424;
        }
        if (status != DECLINED) {
            found_t a;
            find_action(str[C_MSG].data, str[C_MSG].n, &a);
            if (a.action != NO_ACTION) {
                str[C_ACTION] = ACTION_NAMES[a.action];
                str[C_USER] = a.user;
                if (a.action <= SSH_ACCEPTED) str[C_SRC_IP] = a.ip;
            }
        }
        for (int k = 0; k < N_STRINGS; k++) {
            put_view(j->views[k] + 16 * row, str[k], &j->strings);
            if (str[k].data) bits[k] |= bit;
        }
        for (int k = 0; k < N_INTS; k++) j->ints[k][row] = num[k];
        if ((row & 7) == 7 || row == stop - 1) flush_bits(j, row, bits);
    }
    j->changed = row < stop || next_line(j->src, &c, &line);
    return NULL;
}

static PyObject *zeroed(Py_ssize_t size, uint8_t **out) {
    PyObject *b = new_bytes(size, out);
    if (b) memset(*out, 0, (size_t)size);
    return b;
}

/* adds name: (validity or None, values) to dict; steals the references */
static int add_column(PyObject *dict, const char *name, PyObject *validity, PyObject *values) {
    PyObject *col = validity && values ? PyTuple_Pack(2, validity, values) : NULL;
    int ok = col && PyDict_SetItemString(dict, name, col) == 0;
    Py_XDECREF(col);
    Py_XDECREF(validity);
    Py_XDECREF(values);
    return ok ? 0 : -1;
}

/* the work of both functions below: lines(data, offsets, window_bits, threads, limit=-1) and
 * parse_syslog(data, offsets, window_bits, threads, year) */
static PyObject *lines_or_syslog(PyObject *args, int parse) {
    Py_buffer data, offsets = {0};
    PyObject *offsets_obj;
    int window_bits, threads;
    Py_ssize_t limit = -1;
    long long year = 0;
    if (parse ? !PyArg_ParseTuple(args, "y*OiiL", &data, &offsets_obj, &window_bits, &threads, &year)
              : !PyArg_ParseTuple(args, "y*Oii|n", &data, &offsets_obj, &window_bits, &threads, &limit))
        return NULL;
    int has_offsets = offsets_obj != Py_None;
    if (has_offsets && PyObject_GetBuffer(offsets_obj, &offsets, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&data);
        return NULL;
    }
    PyObject *result = NULL;
    source_t src = {.data = data.buf, .size = data.len};
    if (has_offsets) {
        /* checked once, then read by both passes: a copy the caller cannot change in between */
        src.count = offsets.len >= 8 ? offsets.len / 8 - 1 : 0;
        src.offsets = calloc((size_t)src.count + 1, sizeof(int64_t));
        if (!src.offsets) {
            PyErr_NoMemory();
            goto done;
        }
        if (src.count) memcpy(src.offsets, offsets.buf, sizeof(int64_t) * (size_t)(src.count + 1));
        for (int64_t i = 0; i < src.count; i++) {
            if (src.offsets[i] < 0 || src.offsets[i] > src.offsets[i + 1] || src.offsets[i + 1] > data.len) {
                PyErr_SetString(PyExc_ValueError, "offsets outside the data");
                goto done;
            }
        }
    }
    if (window_bits < 4 || window_bits > 30) {
        PyErr_SetString(PyExc_ValueError, "window_bits outside 4..30");
        goto done;
    }
    if (threads < 1 || limit >= 0) threads = 1;
    if (threads > 16) threads = 16;
    job_t jobs[16] = {{0}};
    cursor_t parts[16];
    int64_t rows = 0, longest = 0;
    share(&src, threads, parts);
    for (int t = 0; t < threads; t++)
        jobs[t] = (job_t){.src = &src, .part = parts[t], .limit = limit, .year = year, .parse = parse,
                          .strings = {data.buf, (const uint8_t *)data.buf + data.len, window_bits}};
    Py_BEGIN_ALLOW_THREADS
    run_jobs(jobs, threads, count_lines);
    Py_END_ALLOW_THREADS
    for (int t = 0; t < threads; t++) {
        jobs[t].first_row = rows;
        rows += jobs[t].rows;
        if (jobs[t].longest > longest) longest = jobs[t].longest;
    }
    if (longest > ((int64_t)1 << window_bits)) {
        PyErr_Format(PyExc_ValueError, "a line of more than %lld bytes", (long long)1 << window_bits);
        goto done;
    }
    int64_t bitmap = (rows + 7) / 8;
    uint8_t *raw;
    PyObject *raw_views = new_bytes((Py_ssize_t)(16 * rows), &raw);
    if (!raw_views) goto done;
    if (!parse) {
        result = raw_views;
    } else {
        result = PyDict_New();
        if (!result || add_column(result, "raw", Py_NewRef(Py_None), raw_views) < 0) goto fail;
        for (int k = 0; k < N_STRINGS; k++) {
            PyObject *valid = zeroed(bitmap, &jobs[0].bitmaps[k]);
            if (add_column(result, STRING_NAMES[k], valid, new_bytes((Py_ssize_t)(16 * rows), &jobs[0].views[k])) < 0)
                goto fail;
        }
        for (int k = 0; k < N_INTS; k++) {
            uint8_t *values = NULL;
            PyObject *valid = zeroed(bitmap, &jobs[0].bitmaps[B_INTS + k]);
            if (add_column(result, INT_NAMES[k], valid, new_bytes((Py_ssize_t)(8 * rows), &values)) < 0) goto fail;
            jobs[0].ints[k] = (int64_t *)values;
        }
        if (add_column(result, "parsed", Py_NewRef(Py_None), zeroed(bitmap, &jobs[0].bitmaps[B_PARSED])) < 0 ||
            add_column(result, "handled", Py_NewRef(Py_None), zeroed(bitmap, &jobs[0].bitmaps[B_HANDLED])) < 0 ||
            add_column(result, "local", Py_NewRef(Py_None), zeroed(bitmap, &jobs[0].bitmaps[B_LOCAL])) < 0)
            goto fail;
    }
    for (int t = 0; t < threads; t++) {
        job_t *j = &jobs[t];
        j->raw = raw;
        if (t > 0) {
            memcpy(j->views, jobs[0].views, sizeof j->views);
            memcpy(j->bitmaps, jobs[0].bitmaps, sizeof j->bitmaps);
            memcpy(j->ints, jobs[0].ints, sizeof j->ints);
        }
    }
    Py_BEGIN_ALLOW_THREADS
    run_jobs(jobs, threads, fill_rows);
    Py_END_ALLOW_THREADS
    for (int t = 0; t < threads; t++) {
        if (jobs[t].changed) {
            PyErr_SetString(PyExc_ValueError, "the data changed while its lines were read");
            goto fail;
        }
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    free(src.offsets);
    PyBuffer_Release(&data);
    if (has_offsets) PyBuffer_Release(&offsets);
    return result;
}

static PyObject *lines(PyObject *self, PyObject *args) { return lines_or_syslog(args, 0); }

static PyObject *parse_syslog(PyObject *self, PyObject *args) { return lines_or_syslog(args, 1); }

static PyObject *valid_utf8(PyObject *self, PyObject *args) {
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*", &data)) return NULL;
    const uint8_t *p = data.buf, *end = p + data.len;
    int ok = 1;
    Py_BEGIN_ALLOW_THREADS
    while (p < end) {
        uint8_t c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        int64_t left = end - p;
        if (c >= 0xC2 && c <= 0xDF && left >= 2 && (p[1] & 0xC0) == 0x80) {
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF && left >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (c != 0xE0 || p[1] >= 0xA0) && (c != 0xED || p[1] < 0xA0)) {
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4 && left >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80 && (c != 0xF0 || p[1] >= 0x90) && (c != 0xF4 || p[1] < 0x90)) {
            p += 4;
        } else {
            ok = 0;
            break;
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyBool_FromLong(ok);
}

static PyObject *count_newlines(PyObject *self, PyObject *args) {
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*", &data)) return NULL;
    const uint8_t *p = data.buf;
    Py_ssize_t n = data.len, count = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t at = 0; at < n; at += 4096) { /* 32-bit sums, which the compiler vectorizes */
        Py_ssize_t stop = at + 4096 < n ? at + 4096 : n;
        uint32_t block = 0;
        for (Py_ssize_t i = at; i < stop; i++) block += p[i] == '\n';
        count += block;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyLong_FromSsize_t(count);
}

static PyObject *constants(PyObject *self, PyObject *unused) {
    return PyBytes_FromStringAndSize(CONSTANTS, sizeof CONSTANTS - 1);
}

static PyMethodDef methods[] = {
    {"valid_utf8", valid_utf8, METH_VARARGS, "valid_utf8(data) -> bool"},
    {"count_newlines", count_newlines, METH_VARARGS, "count_newlines(data) -> how many b'\\n'"},
    {"lines", lines, METH_VARARGS, "lines(data, offsets, window_bits, threads, limit=-1) -> views"},
    {"parse_syslog", parse_syslog, METH_VARARGS, "parse_syslog(data, offsets, window_bits, threads, year) -> columns"},
    {"constants", constants, METH_NOARGS, "constants() -> the bytes of buffer 0 of the views"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_parse_native", .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__parse_native(void) { return PyModule_Create(&module); }
