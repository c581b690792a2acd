/* Native kernels of the tamper-evident log: event leaf hashes and RFC 6962 Merkle roots.
 *
 * Why C: every stored event is hashed when a segment is sealed and again on every verification.
 * In Python that costs an encoding and a hashlib call per event (about 4 s per million events);
 * here the canonical encoding is built straight from the Arrow buffers and hashed with OpenSSL's
 * SHA-256 (which uses the CPU's SHA extensions) with the GIL released, so callers can split the
 * rows over threads. The encoding is specified, and implemented in Python as the reference, in
 * eventhash.py; tests check both give the same leaves.
 *
 * leaf_hashes(columns, start, stop) -> bytes   32 bytes per row in [start, stop)
 *     columns: sequence of (kind, validity, offsets, data, offset) with Arrow buffers
 *     kind 1 = utf8 with int32 offsets, 2 = utf8 with int64 offsets, 3 = int64, 4 = bool (bit-packed),
 *     5 = utf8 views (Arrow's string_view, polars' own layout: offsets holds the 16-byte views and
 *     data a sequence of the variadic data buffers),
 *     6, 7, 8 = bytes laid out as 1, 2, 5 (Arrow's binary, large_binary, binary_view): a null of these
 *     is encoded as nothing (eventhash.py says why that stays unambiguous; a bytes column null in every
 *     row is not passed at all)
 *     9, 10 = utf8 and bytes laid out as Parquet's PLAIN byte arrays (_parquet_pages.c reads them so):
 *     offsets holds each row's int64 position in data of a 4-byte little-endian length and the bytes
 * merkle_root(leaves) -> bytes                 the RFC 6962 tree hash of concatenated 32-byte leaves
 * sha_ni([flag]) -> bool                       whether both hash with the CPU's SHA extensions, two
 *     messages at a time (_sha256_ni.h, on where the CPU has them), or with OpenSSL; flag sets it
 *
 * leaf_hashes checks each column's buffers are long enough for the rows once, then encodes row after
 * row in a buffer that grows when one does not fit, checking each string's bounds as it reads it and
 * every write against the buffer's size. The buffers may be mutable (a bytearray or memoryview another
 * thread writes to while the GIL is released): a change fails the call with ValueError, never makes
 * the kernel write past its buffer or read past the caller's.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_sha256_ni.h"

#define HASH_SIZE 32

/* what went wrong in the part of leaf_hashes that runs without the GIL */
enum { HASHED, BAD_COLUMN, CHANGED, NO_MEMORY, OPENSSL_FAILED };

/* hash with the CPU's SHA extensions, two messages at a time (_sha256_ni.h), rather than with
 * OpenSSL: set at import where the CPU has them; sha_ni() turns it off and on (the tests compare) */
static int use_sha_ni;

/* SHA-256 through OpenSSL 3's EVP interface. The algorithm is fetched once, at import: the one-shot
 * calls (SHA256(), EVP_Q_digest) fetch it on every call, which costs more than hashing a 200-byte
 * event. Each call of the kernels keeps one context and starts every message on it again; OpenSSL
 * 3.0 still allocates the provider's state at each start, about 40 ns a message more than the
 * deprecated SHA256_Init (190 ns for a 200-byte event on the 2-core machine). */
static EVP_MD *sha256_md;

/* 1, or 0 when OpenSSL fails (it has no reason to, but then no hash is trusted) */
static int sha256(EVP_MD_CTX *ctx, const uint8_t *data, size_t len, uint8_t *out) {
    return EVP_DigestInit_ex2(ctx, sha256_md, NULL) && EVP_DigestUpdate(ctx, data, len) &&
           EVP_DigestFinal_ex(ctx, out, NULL);
}

enum {
    KIND_UTF8_32 = 1, KIND_UTF8_64 = 2, KIND_INT64 = 3, KIND_BOOL = 4, KIND_UTF8_VIEW = 5,
    KIND_BYTES_32 = 6, KIND_BYTES_64 = 7, KIND_BYTES_VIEW = 8, KIND_UTF8_PREFIXED = 9, KIND_BYTES_PREFIXED = 10
};
enum { TAG_NULL = 0, TAG_STRING = 1, TAG_INT = 2, TAG_BOOL = 3, TAG_BYTES = 4 };

/* a bytes column is laid out as the string column of the same offsets */
static int layout(int kind) {
    switch (kind) {
    case KIND_BYTES_32: return KIND_UTF8_32;
    case KIND_BYTES_64: return KIND_UTF8_64;
    case KIND_BYTES_VIEW: return KIND_UTF8_VIEW;
    case KIND_BYTES_PREFIXED: return KIND_UTF8_PREFIXED;
    default: return kind;
    }
}

static int is_bytes(int kind) {
    return (kind >= KIND_BYTES_32 && kind <= KIND_BYTES_VIEW) || kind == KIND_BYTES_PREFIXED;
}

typedef struct {
    int kind;
    int layout; /* layout(kind), and whether it is bytes: set once, read per row */
    int bytes;
    int64_t offset;
    Py_buffer validity, offsets, data;
    int has_validity, has_offsets, has_data;
    Py_buffer *variadic; /* KIND_UTF8_VIEW's and KIND_BYTES_VIEW's data buffers */
    Py_ssize_t nvariadic;
} column_t;

static int bit(const uint8_t *bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

/* element i of a buffer of int32 or int64 that need not be aligned (a caller's memoryview may start
 * anywhere) */
static int64_t get_i32(const void *buf, int64_t i) {
    int32_t v;
    memcpy(&v, (const uint8_t *)buf + 4 * i, 4);
    return v;
}

static int64_t get_i64(const void *buf, int64_t i) {
    int64_t v;
    memcpy(&v, (const uint8_t *)buf + 8 * i, 8);
    return v;
}

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void put_i64(uint8_t *p, int64_t v) {
    uint64_t u = (uint64_t)v;
    for (int k = 0; k < 8; k++) p[k] = (uint8_t)(u >> (8 * k));
}

static void release(column_t *cols, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if (cols[i].has_validity) PyBuffer_Release(&cols[i].validity);
        if (cols[i].has_offsets) PyBuffer_Release(&cols[i].offsets);
        if (cols[i].has_data) PyBuffer_Release(&cols[i].data);
        for (Py_ssize_t k = 0; k < cols[i].nvariadic; k++) PyBuffer_Release(&cols[i].variadic[k]);
        free(cols[i].variadic);
    }
    free(cols);
}

static int get_buffer(PyObject *obj, Py_buffer *view, int *flag) {
    *flag = 0;
    if (obj == Py_None) return 0;
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) < 0) return -1;
    *flag = 1;
    return 0;
}

/* a string's (or bytes value's) bytes (the row must be valid); -1 when the buffers do not hold it */
static int64_t get_string(const column_t *c, int64_t row, const uint8_t **ptr) {
    int64_t i = c->offset + row, start, end;
    if (c->layout == KIND_UTF8_VIEW) {
        const uint8_t *view = (const uint8_t *)c->offsets.buf + 16 * i;
        int32_t n, index, off;
        memcpy(&n, view, 4);
        if (n <= 12) { /* short strings are inline in the view */
            *ptr = view + 4;
            return n;
        }
        memcpy(&index, view + 8, 4);
        memcpy(&off, view + 12, 4);
        if (index < 0 || index >= c->nvariadic || off < 0 || (int64_t)off + n > c->variadic[index].len)
            return -1;
        *ptr = (const uint8_t *)c->variadic[index].buf + off;
        return n;
    }
    if (c->layout == KIND_UTF8_PREFIXED) {
        uint32_t n;
        start = get_i64(c->offsets.buf, i);
        if (start < 0 || start > c->data.len - 4) return -1;
        memcpy(&n, (const uint8_t *)c->data.buf + start, 4);
        if (n > c->data.len - start - 4) return -1;
        *ptr = (const uint8_t *)c->data.buf + start + 4;
        return n;
    }
    if (c->layout == KIND_UTF8_32)
        start = get_i32(c->offsets.buf, i), end = get_i32(c->offsets.buf, i + 1);
    else
        start = get_i64(c->offsets.buf, i), end = get_i64(c->offsets.buf, i + 1);
    if (start < 0 || end < start || end > c->data.len) return -1;
    *ptr = (const uint8_t *)c->data.buf + start;
    return end - start;
}

/* The row's encoding in out (capacity bytes), its length; -1 when it does not fit or a string is not
 * in its buffer. Every write is bounded by the capacity, so a caller's mutable buffer (a bytearray, a
 * writable memoryview) changing in between its reads can fail the row but never overrun. */
static int64_t encode_row(const column_t *cols, Py_ssize_t ncols, int64_t row, uint8_t *out, int64_t capacity) {
    int64_t n = 0;
    if (capacity < 1) return -1;
    out[n++] = 0x00; /* RFC 6962 leaf prefix */
    for (Py_ssize_t k = 0; k < ncols; k++) {
        const column_t *c = &cols[k];
        int64_t i = c->offset + row;
        if (c->has_validity && !bit((const uint8_t *)c->validity.buf, i)) {
            if (c->bytes) continue; /* a null bytes value is left out */
            if (capacity - n < 1) return -1;
            out[n++] = TAG_NULL;
            continue;
        }
        switch (c->kind) {
        case KIND_UTF8_32:
        case KIND_UTF8_64:
        case KIND_UTF8_VIEW:
        case KIND_BYTES_32:
        case KIND_BYTES_64:
        case KIND_BYTES_VIEW:
        case KIND_UTF8_PREFIXED:
        case KIND_BYTES_PREFIXED: {
            const uint8_t *p;
            int64_t len = get_string(c, row, &p);
            if (len < 0 || capacity - n < 5 + len) return -1;
            out[n++] = c->bytes ? TAG_BYTES : TAG_STRING;
            put_u32(out + n, (uint32_t)len);
            n += 4;
            if (c->layout == KIND_UTF8_VIEW && len <= 12 && capacity - n >= 12)
                memcpy(out + n, p, 12); /* a string inline in its view: a fixed size is a store, not a call */
            else
                memcpy(out + n, p, (size_t)len);
            n += len;
            break;
        }
        case KIND_INT64:
            if (capacity - n < 9) return -1;
            out[n++] = TAG_INT;
            put_i64(out + n, get_i64(c->data.buf, i));
            n += 8;
            break;
        case KIND_BOOL:
            if (capacity - n < 2) return -1;
            out[n++] = TAG_BOOL;
            out[n++] = (uint8_t)bit((const uint8_t *)c->data.buf, i);
            break;
        }
    }
    return n;
}

/* whether the column's buffers are long enough for rows up to stop (a string's own bounds are
 * checked where it is read: get_string); -1 when not */
static int check_buffers(const column_t *c, int64_t stop) {
    int64_t last = c->offset + stop; /* one past the last row read */
    if (c->has_validity && c->validity.len * 8 < last) return -1;
    switch (c->layout) {
    case KIND_UTF8_32:
    case KIND_UTF8_64:
    case KIND_UTF8_VIEW:
    case KIND_UTF8_PREFIXED: {
        int kind = c->layout;
        Py_ssize_t need = kind == KIND_UTF8_VIEW       ? 16 * last
                          : kind == KIND_UTF8_PREFIXED ? 8 * last
                                                       : (last + 1) * (kind == KIND_UTF8_32 ? 4 : 8);
        if (!c->has_offsets || c->offsets.len < need) return -1;
        return kind != KIND_UTF8_VIEW && !c->has_data ? -1 : 0;
    }
    case KIND_INT64:
        return !c->has_data || c->data.len < last * 8 ? -1 : 0;
    case KIND_BOOL:
        return !c->has_data || c->data.len * 8 < last ? -1 : 0;
    }
    return -1;
}

/* the size of the row's encoding; -1, with the column in *bad_column, when a buffer does not hold one
 * of its strings (or one is too long for its 4-byte length) */
static int64_t row_width(const column_t *cols, Py_ssize_t ncols, int64_t row, Py_ssize_t *bad_column) {
    int64_t width = 1 + ncols; /* leaf prefix, one tag per field */
    for (Py_ssize_t k = 0; k < ncols; k++) {
        const column_t *c = &cols[k];
        const uint8_t *p;
        if (c->has_validity && !bit((const uint8_t *)c->validity.buf, c->offset + row)) continue;
        if (c->kind == KIND_INT64) {
            width += 8;
        } else if (c->kind == KIND_BOOL) {
            width += 1;
        } else {
            int64_t len = get_string(c, row, &p);
            if (len < 0 || len > UINT32_MAX) {
                *bad_column = k;
                return -1;
            }
            width += 4 + len;
        }
    }
    return width;
}

/* a buffer a row is encoded and padded in, grown when a row does not fit */
typedef struct {
    uint8_t *data;
    int64_t size; /* room for an encoding of size bytes and SHA256_PAD_MAX more */
} row_buffer_t;

/* the row's encoding in buf, its length; -1 with a status when a buffer does not hold it (BAD_COLUMN),
 * when it changed between the two reads of a row that did not fit at first (CHANGED), or NO_MEMORY */
static int64_t encode_into(const column_t *cols, Py_ssize_t ncols, int64_t row, row_buffer_t *buf,
                           Py_ssize_t *bad_column, int *status) {
    int64_t n = encode_row(cols, ncols, row, buf->data, buf->size);
    if (n >= 0) return n;
    int64_t need = row_width(cols, ncols, row, bad_column);
    if (need < 0) {
        *status = BAD_COLUMN;
        return -1;
    }
    if (need > buf->size) {
        uint8_t *grown = realloc(buf->data, (size_t)(2 * need) + SHA256_PAD_MAX);
        if (!grown) {
            *status = NO_MEMORY;
            return -1;
        }
        buf->data = grown, buf->size = 2 * need;
    }
    n = encode_row(cols, ncols, row, buf->data, buf->size);
    if (n < 0) *status = CHANGED;
    return n;
}

static int get_variadic(PyObject *seq, column_t *c) {
    PyObject *fast = PySequence_Fast(seq, "string view data buffers must be a sequence");
    if (!fast) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    c->variadic = calloc((size_t)n + 1, sizeof(Py_buffer));
    if (!c->variadic) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(fast, k), &c->variadic[k], PyBUF_SIMPLE) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        c->nvariadic = k + 1;
    }
    Py_DECREF(fast);
    return 0;
}

#define ROW_BUFFER_START 1024 /* an event's encoding is 150-250 bytes; a longer one grows it */

/* rows two by two with the SHA extensions, each encoded and padded in a buffer of its own */
static int hash_rows_ni(const column_t *cols, Py_ssize_t ncols, int64_t start, int64_t stop, uint8_t *out,
                        Py_ssize_t *bad_column) {
    row_buffer_t a = {malloc(ROW_BUFFER_START + SHA256_PAD_MAX), ROW_BUFFER_START};
    row_buffer_t b = {malloc(ROW_BUFFER_START + SHA256_PAD_MAX), ROW_BUFFER_START};
    int status = a.data && b.data ? HASHED : NO_MEMORY;
    for (int64_t r = start; r < stop && status == HASHED; r += 2) {
        uint8_t *digest = out + (r - start) * HASH_SIZE;
        int64_t na = encode_into(cols, ncols, r, &a, bad_column, &status);
        int64_t nb = r + 1 < stop && na >= 0 ? encode_into(cols, ncols, r + 1, &b, bad_column, &status) : 0;
        if (na < 0 || nb < 0) break;
        if (r + 1 < stop)
            sha256_ni_pair(a.data, sha256_pad(a.data, (size_t)na), b.data, sha256_pad(b.data, (size_t)nb),
                           digest, digest + HASH_SIZE);
        else
            sha256_ni_one(a.data, sha256_pad(a.data, (size_t)na), digest);
    }
    free(a.data);
    free(b.data);
    return status;
}

/* rows [start, stop) of cols into out, 32 bytes each, each encoded in a buffer that grows when a row
 * does not fit (encode_row checks every string's bounds and every write against its size) */
static int hash_rows(const column_t *cols, Py_ssize_t ncols, int64_t start, int64_t stop, uint8_t *out,
                     Py_ssize_t *bad_column) {
    for (Py_ssize_t k = 0; k < ncols; k++)
        if (check_buffers(&cols[k], stop) < 0) {
            *bad_column = k;
            return BAD_COLUMN;
        }
    if (use_sha_ni) return hash_rows_ni(cols, ncols, start, stop, out, bad_column);
    row_buffer_t buf = {malloc(ROW_BUFFER_START + SHA256_PAD_MAX), ROW_BUFFER_START};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int status = buf.data && ctx ? HASHED : NO_MEMORY;
    for (int64_t r = start; r < stop && status == HASHED; r++) {
        int64_t n = encode_into(cols, ncols, r, &buf, bad_column, &status);
        if (n >= 0 && !sha256(ctx, buf.data, (size_t)n, out + (r - start) * HASH_SIZE)) status = OPENSSL_FAILED;
    }
    EVP_MD_CTX_free(ctx);
    free(buf.data);
    return status;
}

static PyObject *leaf_hashes(PyObject *self, PyObject *args) {
    PyObject *seq;
    Py_ssize_t start, stop;
    if (!PyArg_ParseTuple(args, "Onn", &seq, &start, &stop)) return NULL;
    PyObject *fast = PySequence_Fast(seq, "columns must be a sequence");
    if (!fast) return NULL;
    Py_ssize_t ncols = PySequence_Fast_GET_SIZE(fast);
    column_t *cols = calloc((size_t)ncols + 1, sizeof(column_t));
    if (!cols) { Py_DECREF(fast); return PyErr_NoMemory(); }
    /* no buffer holds 2^59 rows: the sizes computed from rows and offsets below do not overflow */
    if (start < 0 || stop < start || stop > PY_SSIZE_T_MAX / 32) {
        PyErr_SetString(PyExc_ValueError, "bad row range");
        goto fail;
    }
    for (Py_ssize_t k = 0; k < ncols; k++) {
        PyObject *t = PySequence_Fast_GET_ITEM(fast, k), *v, *o, *d;
        long long off;
        if (!PyArg_ParseTuple(t, "iOOOL", &cols[k].kind, &v, &o, &d, &off)) goto fail;
        cols[k].offset = off;
        cols[k].layout = layout(cols[k].kind);
        cols[k].bytes = is_bytes(cols[k].kind);
        if (get_buffer(v, &cols[k].validity, &cols[k].has_validity) < 0 ||
            get_buffer(o, &cols[k].offsets, &cols[k].has_offsets) < 0)
            goto fail;
        if (cols[k].layout == KIND_UTF8_VIEW) {
            if (get_variadic(d, &cols[k]) < 0) goto fail;
        } else if (get_buffer(d, &cols[k].data, &cols[k].has_data) < 0) {
            goto fail;
        }
    }
    for (Py_ssize_t k = 0; k < ncols; k++) {
        if (cols[k].kind < KIND_UTF8_32 || cols[k].kind > KIND_BYTES_PREFIXED) {
            PyErr_Format(PyExc_ValueError, "column %zd: unknown kind %d", k, cols[k].kind);
            goto fail;
        }
        if (cols[k].offset < 0 || cols[k].offset > PY_SSIZE_T_MAX / 32 - stop) {
            PyErr_Format(PyExc_ValueError, "column %zd: bad offset %lld", k, (long long)cols[k].offset);
            goto fail;
        }
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, (stop - start) * HASH_SIZE);
    if (!result) goto fail;
    Py_ssize_t bad_column = -1;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = hash_rows(cols, ncols, start, stop, (uint8_t *)PyBytes_AS_STRING(result), &bad_column);
    Py_END_ALLOW_THREADS
    if (status != HASHED) {
        Py_DECREF(result);
        if (status == BAD_COLUMN)
            PyErr_Format(PyExc_ValueError, "column %zd: buffers do not hold rows %zd to %zd", bad_column,
                         start, stop);
        else if (status == CHANGED)
            PyErr_SetString(PyExc_ValueError, "the column buffers changed while their rows were hashed");
        else if (status == OPENSSL_FAILED)
            PyErr_SetString(PyExc_RuntimeError, "OpenSSL's SHA-256 failed");
        else
            PyErr_NoMemory();
        goto fail;
    }
    release(cols, ncols);
    Py_DECREF(fast);
    return result;
fail:
    release(cols, ncols);
    Py_DECREF(fast);
    return NULL;
}

/* the half nodes of a tree level from the 2 * half hashes of the level below, in place, two at a time
 * with the SHA extensions: each node's message (0x01, left, right) is padded once and only its 64
 * bytes of hashes are copied in; node i is written after nodes 2i..2i+3 below it are read */
static void pair_level_ni(uint8_t *level, Py_ssize_t half) {
    uint8_t a[1 + 2 * HASH_SIZE + SHA256_PAD_MAX], b[1 + 2 * HASH_SIZE + SHA256_PAD_MAX];
    a[0] = b[0] = 0x01;
    sha256_pad(a, 1 + 2 * HASH_SIZE);
    sha256_pad(b, 1 + 2 * HASH_SIZE);
    Py_ssize_t i = 0;
    for (; i + 1 < half; i += 2) {
        memcpy(a + 1, level + 2 * i * HASH_SIZE, 2 * HASH_SIZE);
        memcpy(b + 1, level + (2 * i + 2) * HASH_SIZE, 2 * HASH_SIZE);
        sha256_ni_pair(a, 2, b, 2, level + i * HASH_SIZE, level + (i + 1) * HASH_SIZE);
    }
    if (i < half) {
        memcpy(a + 1, level + 2 * i * HASH_SIZE, 2 * HASH_SIZE);
        sha256_ni_one(a, 2, level + i * HASH_SIZE);
    }
}

/* the RFC 6962 tree hash of the n leaves in level (overwritten) into root; 0 when OpenSSL fails */
static int tree_hash(uint8_t *level, Py_ssize_t n, uint8_t *root) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t node[1 + 2 * HASH_SIZE];
    int ok = ctx != NULL;
    node[0] = 0x01;
    if (n == 0 && ok) ok = sha256(ctx, (const uint8_t *)"", 0, level);
    while (n > 1 && ok) { /* pair up level by level; an odd last node is promoted unchanged (RFC 6962 shape) */
        Py_ssize_t half = n / 2;
        if (use_sha_ni) {
            pair_level_ni(level, half);
        } else {
            for (Py_ssize_t i = 0; i < half && ok; i++) {
                memcpy(node + 1, level + 2 * i * HASH_SIZE, 2 * HASH_SIZE);
                ok = sha256(ctx, node, sizeof node, level + i * HASH_SIZE);
            }
        }
        if (n % 2) memmove(level + half * HASH_SIZE, level + (n - 1) * HASH_SIZE, HASH_SIZE);
        n = half + n % 2;
    }
    if (ok) memcpy(root, level, HASH_SIZE);
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* Leaves are hashed into a tree BLOCK_LEAVES at a time, in a buffer that stays in the core's cache, and
 * the blocks' roots into the tree over them. RFC 6962 splits n leaves at the largest power of two below
 * n; for a power of two of BLOCK_LEAVES or more that is a whole number of blocks, and a smaller one
 * falls inside the last block, so the tree over the blocks' roots is the tree over the leaves. */
#define BLOCK_LEAVES 1024

/* the RFC 6962 tree hash of the n leaf hashes at leaves (not changed) into root; 0 when OpenSSL fails */
static int blocked_tree_hash(const uint8_t *leaves, Py_ssize_t n, uint8_t *block, uint8_t *roots,
                             uint8_t *root) {
    Py_ssize_t blocks = 0;
    int ok = 1;
    for (Py_ssize_t at = 0; at < n && ok; at += BLOCK_LEAVES, blocks++) {
        Py_ssize_t count = n - at < BLOCK_LEAVES ? n - at : BLOCK_LEAVES;
        memcpy(block, leaves + at * HASH_SIZE, (size_t)count * HASH_SIZE);
        ok = tree_hash(block, count, roots + blocks * HASH_SIZE);
    }
    return ok && tree_hash(roots, blocks, root);
}

static PyObject *merkle_root(PyObject *self, PyObject *args) {
    Py_buffer leaves;
    if (!PyArg_ParseTuple(args, "y*", &leaves)) return NULL;
    if (leaves.len % HASH_SIZE) {
        PyBuffer_Release(&leaves);
        PyErr_SetString(PyExc_ValueError, "leaves must be a multiple of 32 bytes");
        return NULL;
    }
    Py_ssize_t n = leaves.len / HASH_SIZE;
    uint8_t root[HASH_SIZE];
    /* the blocks are copied out of the caller's buffer (held until the end: never resized under us),
     * and the tree built in the copies */
    uint8_t *block = malloc(BLOCK_LEAVES * HASH_SIZE);
    uint8_t *roots = malloc(((size_t)n / BLOCK_LEAVES + 1) * HASH_SIZE);
    int no_memory = !block || !roots, ok = 0;
    if (!no_memory) {
        Py_BEGIN_ALLOW_THREADS
        ok = blocked_tree_hash(leaves.buf, n, block, roots, root);
        Py_END_ALLOW_THREADS
    }
    free(block);
    free(roots);
    PyBuffer_Release(&leaves);
    if (no_memory) return PyErr_NoMemory();
    if (!ok) {
        PyErr_SetString(PyExc_RuntimeError, "OpenSSL's SHA-256 failed");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)root, HASH_SIZE);
}

static PyObject *sha_ni(PyObject *self, PyObject *args) {
    int enable = -1;
    if (!PyArg_ParseTuple(args, "|p", &enable)) return NULL;
    if (enable >= 0) use_sha_ni = enable && sha256_ni_supported();
    return PyBool_FromLong(use_sha_ni);
}

static PyMethodDef methods[] = {
    {"sha_ni", sha_ni, METH_VARARGS,
     "Whether the kernels hash with the CPU's SHA extensions; sha_ni(flag) turns them on (where the CPU "
     "has them) or off."},
    {"leaf_hashes", leaf_hashes, METH_VARARGS, "RFC 6962 leaf hashes of the canonical encoding of rows."},
    {"merkle_root", merkle_root, METH_VARARGS, "RFC 6962 Merkle tree hash of concatenated leaf hashes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    if (!sha256_md && !(sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL))) {
        PyErr_SetString(PyExc_ImportError, "OpenSSL has no SHA-256");
        return NULL;
    }
    use_sha_ni = sha256_ni_supported();
    return PyModule_Create(&module);
}
