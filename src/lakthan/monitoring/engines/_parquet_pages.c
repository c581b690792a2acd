/* A reader of the Parquet files the log store writes, straight into the buffers leaf_hashes reads.
 *
 * Why our own and not only polars: verification reads every event of every segment and hashes it
 * (_native.c). polars turns a file into its own string views, checks every string is UTF-8 and builds
 * fresh buffers for them; the leaves need none of that. Here the pages are decompressed into one
 * buffer per column chunk and each row gets the position of its value in it: a PLAIN byte array is a
 * 4-byte little-endian length and the bytes, which is the canonical encoding's own string layout, so
 * the hashing kernel copies it as it is. On bench/logs' segments (500,000 events, lz4) reading a file
 * this way costs about half of polars' CPU time.
 *
 * Only what the store writes is read: flat columns, data pages of version 1, PLAIN or dictionary
 * encoded (RLE_DICTIONARY, PLAIN_DICTIONARY), definition levels in the RLE/bit-packed hybrid,
 * uncompressed, LZ4_RAW or ZSTD; anything else fails with ValueError, and verification reads that file with
 * polars instead. Verification only trusts what this reader gives when the leaves hash to the signed
 * root: any difference is looked at again through polars, which names what differs.
 *
 * Every length and offset is read from the file, which may be hostile: each is checked against the
 * bytes that hold it before it is used (Thrift structures are skipped to a bounded depth, each list
 * element costs at least one byte of input, LZ4 decompresses with LZ4_decompress_safe into exactly
 * the size the page header gives, ZSTD likewise with ZSTD_decompress). tests/monitoring/test_kernels_fuzz.py feeds it damaged files under
 * AddressSanitizer.
 *
 * layout(data) -> ([(name, type)], row_groups)   the file's columns (type: "timestamp[us]",
 *     "int64", "string", "binary" or "unsupported") and how many row groups it has; ValueError when
 *     data is not a Parquet file this reads
 * read_row_group(data, index) -> (rows, [(kind, validity, offsets, data, 0)], [nulls])   the row
 *     group's columns as leaf_hashes takes them: kind 3 (int64) or 9/10 (strings/bytes laid out as
 *     PLAIN, each row's offset the position of its value's length); validity None where no row is
 *     null; and each column's count of nulls. The buffers are read-only blocks (below)
 * release()                            frees the blocks pooled for the next row groups
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <lz4.h>
#include <zstd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_INT64 = 3, KIND_UTF8_PREFIXED = 9, KIND_BYTES_PREFIXED = 10 };
enum { PHYSICAL_INT64 = 2, PHYSICAL_BYTE_ARRAY = 6 };
enum { REQUIRED = 0, OPTIONAL = 1 };
enum { CODEC_UNCOMPRESSED = 0, CODEC_ZSTD = 6, CODEC_LZ4_RAW = 7 };
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { CONVERTED_UTF8 = 0, CONVERTED_TIMESTAMP_MICROS = 10 };
#define MAX_COLUMNS 64
#define MAX_DEPTH 16
#define MAX_CHUNK ((int64_t)1 << 31) /* bytes of one column chunk decompressed */
/* what a file the store writes stays far below, so that a hostile one cannot make the reader fill
 * gigabytes or parse its footer for long: rows of one row group (polars writes about 130,000, a row
 * value costs 8 bytes a column), and row groups (each read parses the footer again) */
#define MAX_ROWS ((int64_t)1 << 22)
#define MAX_ROW_GROUPS 1024
#define MAX_PAGES (1 << 24) /* of one column chunk */

/* ---- Thrift's compact protocol, bounded ---- */

enum { T_STOP, T_TRUE, T_FALSE, T_BYTE, T_I16, T_I32, T_I64, T_DOUBLE, T_BINARY, T_LIST, T_SET, T_MAP, T_STRUCT };

typedef struct {
    const uint8_t *p, *end;
    int bad;
} cursor_t;

static uint64_t varint(cursor_t *c) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && c->p < c->end; shift += 7) {
        uint8_t b = *c->p++;
        value |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return value;
    }
    c->bad = 1;
    return 0;
}

static int64_t zigzag(cursor_t *c) {
    uint64_t v = varint(c);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void advance(cursor_t *c, uint64_t n) {
    if (n > (uint64_t)(c->end - c->p)) {
        c->bad = 1;
        c->p = c->end;
    } else {
        c->p += n;
    }
}

/* the next field of a struct: its type (T_STOP at the end or on damage), its id in *id */
static int next_field(cursor_t *c, int *last, int *id) {
    if (c->bad || c->p >= c->end) {
        c->bad = 1;
        return T_STOP;
    }
    uint8_t h = *c->p++;
    if (h == 0) return T_STOP;
    *id = (h >> 4) ? *last + (h >> 4) : (int)zigzag(c);
    *last = *id;
    return h & 15;
}

static uint64_t list_header(cursor_t *c, int *element) {
    if (c->p >= c->end) {
        c->bad = 1;
        return 0;
    }
    uint8_t h = *c->p++;
    *element = h & 15;
    return (h >> 4) == 15 ? varint(c) : (uint64_t)(h >> 4);
}

static void skip(cursor_t *c, int type, int depth);

/* an element of a list, set or map: a boolean there is a byte */
static void skip_element(cursor_t *c, int type, int depth) {
    if (type == T_TRUE || type == T_FALSE)
        advance(c, 1);
    else
        skip(c, type, depth);
}

/* every element consumes at least one byte or marks the cursor bad, so no count loops for long */
static void skip(cursor_t *c, int type, int depth) {
    if (depth > MAX_DEPTH) {
        c->bad = 1;
        return;
    }
    switch (type) {
    case T_TRUE:
    case T_FALSE:
        return;
    case T_BYTE:
        advance(c, 1);
        return;
    case T_I16:
    case T_I32:
    case T_I64:
        varint(c);
        return;
    case T_DOUBLE:
        advance(c, 8);
        return;
    case T_BINARY:
        advance(c, varint(c));
        return;
    case T_LIST:
    case T_SET: {
        int element;
        uint64_t n = list_header(c, &element);
        for (uint64_t i = 0; i < n && !c->bad; i++) skip_element(c, element, depth + 1);
        return;
    }
    case T_MAP: {
        uint64_t n = varint(c);
        if (n == 0 || c->bad) return;
        if (c->p >= c->end) {
            c->bad = 1;
            return;
        }
        uint8_t types = *c->p++;
        for (uint64_t i = 0; i < n && !c->bad; i++) {
            skip_element(c, types >> 4, depth + 1);
            skip_element(c, types & 15, depth + 1);
        }
        return;
    }
    case T_STRUCT: {
        int last = 0, id, t;
        while ((t = next_field(c, &last, &id)) != T_STOP) skip(c, t, depth + 1);
        return;
    }
    default:
        c->bad = 1;
    }
}

static int64_t int_field(cursor_t *c, int type) {
    if (type == T_I16 || type == T_I32 || type == T_I64) return zigzag(c);
    skip(c, type, 1);
    c->bad = 1;
    return 0;
}

/* ---- the footer ---- */

typedef struct {
    char name[64];
    int physical, repetition, converted, logical; /* logical: the LogicalType union's field id */
    int timestamp_unit;                            /* TimeUnit's field id: 1 ms, 2 µs, 3 ns */
} column_desc_t;

typedef struct {
    int ncolumns;
    column_desc_t columns[MAX_COLUMNS];
    int64_t rows;
    const uint8_t *row_groups; /* the row groups' list in the footer, read again for each */
    uint64_t nrow_groups;
    int row_groups_element;
    const uint8_t *footer_end;
} footer_t;

static void read_logical(cursor_t *c, column_desc_t *col) {
    int last = 0, id, t;
    while ((t = next_field(c, &last, &id)) != T_STOP) {
        col->logical = id;
        if (id == 8 && t == T_STRUCT) { /* TIMESTAMP: isAdjustedToUTC, unit */
            int l2 = 0, id2, t2;
            while ((t2 = next_field(c, &l2, &id2)) != T_STOP) {
                if (id2 == 2 && t2 == T_STRUCT) {
                    int l3 = 0, id3, t3;
                    while ((t3 = next_field(c, &l3, &id3)) != T_STOP) {
                        col->timestamp_unit = id3;
                        skip(c, t3, 4);
                    }
                } else {
                    skip(c, t2, 3);
                }
            }
        } else {
            skip(c, t, 2);
        }
    }
}

/* the schema: a root group, then flat leaf columns */
static const char *read_schema(cursor_t *c, footer_t *f) {
    int element;
    uint64_t n = list_header(c, &element);
    if (c->bad || element != T_STRUCT || n < 2) return "no schema";
    if (n - 1 > MAX_COLUMNS) return "too many columns";
    for (uint64_t i = 0; i < n; i++) {
        column_desc_t col = {.physical = -1, .repetition = -1, .converted = -1, .logical = 0};
        int64_t children = 0;
        int last = 0, id, t;
        while ((t = next_field(c, &last, &id)) != T_STOP) {
            if (id == 1) col.physical = (int)int_field(c, t);
            else if (id == 3) col.repetition = (int)int_field(c, t);
            else if (id == 5) children = int_field(c, t);
            else if (id == 6) col.converted = (int)int_field(c, t);
            else if (id == 4 && t == T_BINARY) {
                uint64_t len = varint(c);
                if (len >= sizeof col.name || len > (uint64_t)(c->end - c->p)) return "bad column name";
                memcpy(col.name, c->p, len);
                col.name[len] = 0;
                c->p += len;
            } else if (id == 10 && t == T_STRUCT) read_logical(c, &col);
            else skip(c, t, 1);
        }
        if (c->bad) return "damaged schema";
        if (i == 0) {
            if ((uint64_t)children != n - 1) return "not a flat schema";
            continue;
        }
        if (children != 0 || col.physical < 0) return "not a flat schema";
        if (col.repetition != REQUIRED && col.repetition != OPTIONAL) return "repeated column";
        f->columns[f->ncolumns++] = col;
    }
    return NULL;
}

static const char *read_footer(const uint8_t *data, Py_ssize_t len, footer_t *f) {
    memset(f, 0, sizeof *f);
    if (len < 12 || memcmp(data, "PAR1", 4) || memcmp(data + len - 4, "PAR1", 4)) return "not Parquet";
    uint32_t footer_len;
    memcpy(&footer_len, data + len - 8, 4);
    if (footer_len > (uint64_t)len - 12) return "bad footer length";
    cursor_t c = {data + len - 8 - footer_len, data + len - 8, 0};
    int last = 0, id, t, have_schema = 0, have_groups = 0;
    f->footer_end = c.end;
    while ((t = next_field(&c, &last, &id)) != T_STOP) {
        if (id == 2 && t == T_LIST) {
            const char *err = read_schema(&c, f);
            if (err) return err;
            have_schema = 1;
        } else if (id == 3) {
            f->rows = int_field(&c, t);
        } else if (id == 4 && t == T_LIST) {
            f->nrow_groups = list_header(&c, &f->row_groups_element);
            if (f->nrow_groups > MAX_ROW_GROUPS) return "too many row groups";
            f->row_groups = c.p;
            have_groups = 1;
            for (uint64_t i = 0; i < f->nrow_groups && !c.bad; i++) skip(&c, f->row_groups_element, 1);
        } else {
            skip(&c, t, 1);
        }
    }
    if (c.bad) return "damaged footer";
    if (!have_schema || !have_groups || f->row_groups_element != T_STRUCT) return "no row groups";
    return NULL;
}

static const char *type_name(const column_desc_t *col) {
    if (col->physical == PHYSICAL_INT64) {
        if (col->logical == 8) return col->timestamp_unit == 2 ? "timestamp[us]" : "unsupported";
        if (col->converted == CONVERTED_TIMESTAMP_MICROS) return "timestamp[us]";
        return col->converted < 0 && col->logical == 0 ? "int64" : "unsupported";
    }
    if (col->physical == PHYSICAL_BYTE_ARRAY) {
        if (col->logical == 1 || col->converted == CONVERTED_UTF8) return "string";
        return col->converted < 0 && col->logical == 0 ? "binary" : "unsupported";
    }
    return "unsupported";
}

/* ---- the buffers handed out, and a pool of them ----
 *
 * Every row group read fills fresh buffers (75 MB for a segment of 500,000 events), and memory the
 * process has not touched costs a page fault and a page cleared per 4 KB: measured, that was 43 % of
 * this reader's CPU time. So the large buffers are blocks of our own, exposed through the buffer
 * protocol; a block no longer referenced goes back to a small pool (with the GIL, which both the
 * allocation and the deallocation hold) and the next row group's buffers are taken from it, already
 * mapped. release() empties the pool (verification calls it when it ends). */

#define POOLED_MIN ((size_t)1 << 16) /* smaller blocks are malloc's own business */
#define POOL_BLOCKS 64
#define POOL_BYTES ((size_t)256 << 20)

typedef struct {
    PyObject_HEAD
    uint8_t *data;
    Py_ssize_t size;
    size_t capacity;
} block_t;

static struct {
    uint8_t *data;
    size_t capacity;
} pool[POOL_BLOCKS];
static int pooled;
static size_t pooled_bytes;

/* a pooled block of at least size bytes (the smallest that is not more than twice as large), else a
 * new one; NULL without memory */
static uint8_t *pool_take(size_t size, size_t *capacity) {
    int best = -1;
    for (int i = 0; i < pooled; i++)
        if (pool[i].capacity >= size && pool[i].capacity / 2 <= size &&
            (best < 0 || pool[i].capacity < pool[best].capacity))
            best = i;
    if (best >= 0) {
        uint8_t *data = pool[best].data;
        *capacity = pool[best].capacity;
        pooled_bytes -= pool[best].capacity;
        pool[best] = pool[--pooled];
        return data;
    }
    *capacity = size;
    return malloc(size);
}

static void pool_give(uint8_t *data, size_t capacity) {
    if (capacity >= POOLED_MIN && pooled < POOL_BLOCKS && pooled_bytes + capacity <= POOL_BYTES) {
        pool[pooled].data = data;
        pool[pooled++].capacity = capacity;
        pooled_bytes += capacity;
    } else {
        free(data);
    }
}

static void block_dealloc(block_t *self) {
    pool_give(self->data, self->capacity);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int block_getbuffer(block_t *self, Py_buffer *view, int flags) {
    return PyBuffer_FillInfo(view, (PyObject *)self, self->data, self->size, 1, flags);
}

static PyBufferProcs block_as_buffer = {(getbufferproc)block_getbuffer, NULL};

static PyTypeObject BlockType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_parquet_pages.Block",
    .tp_basicsize = sizeof(block_t),
    .tp_dealloc = (destructor)block_dealloc,
    .tp_as_buffer = &block_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "bytes a row group was read into (read-only, through the buffer protocol)",
};

/* a block of size bytes (with the GIL); NULL without memory */
static PyObject *new_block(Py_ssize_t size) {
    block_t *self = PyObject_New(block_t, &BlockType);
    if (!self) return NULL;
    size_t capacity = size ? (size_t)size : 1;
    self->data = capacity >= POOLED_MIN ? pool_take(capacity, &capacity) : malloc(capacity);
    self->capacity = self->data ? capacity : 0;
    self->size = size;
    if (!self->data) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static uint8_t *block_data(PyObject *block) { return ((block_t *)block)->data; }

/* ---- a row group's column chunks ---- */

typedef struct {
    int type, encoding;
    int64_t values;          /* data page: rows; dictionary page: entries */
    const uint8_t *src;      /* compressed bytes in the file */
    int64_t src_len, at, len; /* and where they decompress to in the chunk's buffer */
} page_t;

typedef struct {
    const column_desc_t *desc;
    int codec;
    page_t *pages;
    int npages;
    int64_t size; /* decompressed bytes of every page */
    PyObject *buffer, *offsets, *validity; /* the outputs, made with the GIL held */
    int64_t nulls;                         /* none: validity is not passed on */
} chunk_t;

static const char *read_page_header(cursor_t *c, page_t *page) {
    int last = 0, id, t, have_sub = 0;
    int64_t uncompressed = -1, compressed = -1;
    page->type = -1;
    page->encoding = -1;
    page->values = -1;
    while ((t = next_field(c, &last, &id)) != T_STOP) {
        if (id == 1) page->type = (int)int_field(c, t);
        else if (id == 2) uncompressed = int_field(c, t);
        else if (id == 3) compressed = int_field(c, t);
        else if ((id == 5 || id == 7) && t == T_STRUCT) { /* DataPageHeader, DictionaryPageHeader */
            int l2 = 0, id2, t2;
            have_sub = id;
            while ((t2 = next_field(c, &l2, &id2)) != T_STOP) {
                if (id2 == 1) page->values = int_field(c, t2);
                else if (id2 == 2) page->encoding = (int)int_field(c, t2);
                else if (id == 5 && (id2 == 3 || id2 == 4)) {
                    if (int_field(c, t2) != ENC_RLE) return "levels not RLE";
                } else skip(c, t2, 2);
            }
        } else skip(c, t, 1);
    }
    if (c->bad) return "damaged page header";
    if (page->type == PAGE_DATA ? have_sub != 5 : page->type == PAGE_DICTIONARY ? have_sub != 7 : 1)
        return "page of another kind";
    if (uncompressed < 0 || compressed < 0 || page->values < 0) return "bad page header";
    if (compressed > c->end - c->p) return "page past its column chunk";
    page->src = c->p;
    page->src_len = compressed;
    page->len = uncompressed;
    c->p += compressed;
    return NULL;
}

/* the chunk's pages, from the column chunk's metadata (with the GIL: this only reads the file) */
static const char *plan_chunk(cursor_t *c, const footer_t *f, const uint8_t *data, chunk_t *chunk) {
    int last = 0, id, t, have_meta = 0;
    while ((t = next_field(c, &last, &id)) != T_STOP) {
        if (id == 1) { /* file_path: an empty one is this file (pyarrow writes it so) */
            if (t != T_BINARY || varint(c) != 0) return "column chunk in another file";
            continue;
        }
        if (id != 3 || t != T_STRUCT) {
            skip(c, t, 2);
            continue;
        }
        if (have_meta) return "damaged column chunk";
        have_meta = 1;
        int64_t data_page = -1, dictionary_page = -1, compressed = -1;
        int l2 = 0, id2, t2;
        chunk->codec = -1;
        while ((t2 = next_field(c, &l2, &id2)) != T_STOP) {
            if (id2 == 1) {
                if (int_field(c, t2) != chunk->desc->physical) return "column chunk of another type";
            } else if (id2 == 4) chunk->codec = (int)int_field(c, t2);
            else if (id2 == 7) compressed = int_field(c, t2);
            else if (id2 == 9) data_page = int_field(c, t2);
            else if (id2 == 11) dictionary_page = int_field(c, t2);
            else skip(c, t2, 3);
        }
        if (c->bad) return "damaged column chunk";
        if (chunk->codec != CODEC_UNCOMPRESSED && chunk->codec != CODEC_LZ4_RAW && chunk->codec != CODEC_ZSTD)
            return "compressed otherwise";
        /* a chunk starts at its dictionary page where it has one; writers differ on a data page
         * offset of 0 beside one (pyarrow, no rows) and a dictionary page offset of 0 without one */
        int64_t start = dictionary_page > 0 && (data_page <= 0 || dictionary_page < data_page) ? dictionary_page : data_page;
        int64_t limit = f->footer_end - data;
        if (start < 4 || compressed < 0 || compressed > limit - start) return "column chunk out of the file";
        cursor_t pages = {data + start, data + start + compressed, 0};
        int cap = 0;
        while (pages.p < pages.end) {
            if (chunk->npages == cap) {
                if (cap >= MAX_PAGES) return "too many pages";
                cap = cap ? 2 * cap : 32;
                page_t *grown = realloc(chunk->pages, (size_t)cap * sizeof(page_t));
                if (!grown) return "no memory";
                chunk->pages = grown;
            }
            page_t *page = &chunk->pages[chunk->npages];
            const char *err = read_page_header(&pages, page);
            if (err) return err;
            if (page->len > MAX_CHUNK - chunk->size) return "column chunk too large";
            page->at = chunk->size;
            chunk->size += page->len;
            chunk->npages++;
        }
    }
    if (c->bad || !have_meta) return "damaged column chunk";
    return NULL;
}

/* ---- decoding, without the GIL ---- */

/* count values of the RLE/bit-packed hybrid encoding, width bits each, from [p, end) into out;
 * NULL when they are not all there (a bit-packed run past what is needed is fine: the last group) */
static const uint8_t *hybrid(const uint8_t *p, const uint8_t *end, int width, uint32_t *out, int64_t count) {
    int64_t n = 0;
    int value_bytes = (width + 7) / 8;
    uint32_t mask = width == 32 ? 0xffffffffu : ((1u << width) - 1);
    while (n < count) {
        cursor_t c = {p, end, 0};
        uint64_t header = varint(&c);
        if (c.bad) return NULL;
        p = c.p;
        if (header & 1) {
            /* groups of eight values; a writer may leave out the bytes of the last group's values past
             * the page's (polars does), so only those needed must be there */
            uint64_t groups = header >> 1, avail = (uint64_t)(end - p);
            uint64_t values = groups < (uint64_t)(count - n) / 8 + 1 ? groups * 8 : (uint64_t)(count - n);
            if (values > (uint64_t)(count - n)) values = (uint64_t)(count - n);
            if ((values * (uint64_t)width + 7) / 8 > avail) return NULL;
            const uint8_t *q = p;
            uint64_t acc = 0;
            int bits = 0;
            for (uint64_t k = 0; k < values; k++) {
                while (bits < width) {
                    acc |= (uint64_t)(*q++) << bits;
                    bits += 8;
                }
                out[n++] = (uint32_t)(acc & mask);
                acc >>= width;
                bits -= width;
            }
            p += groups <= avail / (width ? (uint64_t)width : 1) ? groups * (uint64_t)width : avail;
        } else {
            uint64_t run = header >> 1;
            if (value_bytes > end - p) return NULL;
            uint32_t value = 0;
            for (int k = 0; k < value_bytes; k++) value |= (uint32_t)p[k] << (8 * k);
            p += value_bytes;
            if (value & ~mask) return NULL;
            for (uint64_t k = 0; k < run && n < count; k++) out[n++] = value;
        }
    }
    return p;
}

static uint32_t read_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* the positions of a PLAIN page's n byte arrays (at base, len bytes; at: base's position in the
 * chunk's buffer) in out; -1 when they overrun the page */
static int plain_strings(const uint8_t *base, int64_t len, int64_t at, int64_t n, int64_t *out) {
    int64_t pos = 0;
    for (int64_t i = 0; i < n; i++) {
        if (len - pos < 4) return -1;
        uint32_t size = read_u32(base + pos);
        if (size > (uint64_t)(len - pos - 4)) return -1;
        out[i] = at + pos;
        pos += 4 + (int64_t)size;
    }
    return 0;
}

/* bits [from, to) of a bitmap set (a run of present rows: whole bytes at a time) */
static void set_bits(uint8_t *bits, int64_t from, int64_t to) {
    for (; from < to && (from & 7); from++) bits[from >> 3] |= (uint8_t)(1u << (from & 7));
    if (to - from >= 8) {
        memset(bits + (from >> 3), 0xff, (size_t)((to - from) >> 3));
        from += (to - from) & ~(int64_t)7;
    }
    for (; from < to; from++) bits[from >> 3] |= (uint8_t)(1u << (from & 7));
}

/* definition levels of an optional flat column (the hybrid encoding, one bit each) for the n rows
 * from row on, set in validity; how many rows are present, -1 when the levels are not all there */
static int64_t levels_to_validity(const uint8_t *p, const uint8_t *end, int64_t n, uint8_t *validity, int64_t row) {
    int64_t i = 0, present = 0;
    while (i < n) {
        cursor_t c = {p, end, 0};
        uint64_t header = varint(&c);
        if (c.bad) return -1;
        p = c.p;
        if (header & 1) { /* bit-packed: groups of eight levels, a byte each */
            uint64_t groups = header >> 1, avail = (uint64_t)(end - p);
            uint64_t levels = groups < (uint64_t)(n - i) / 8 + 1 ? groups * 8 : (uint64_t)(n - i);
            if (levels > (uint64_t)(n - i)) levels = (uint64_t)(n - i);
            if ((levels + 7) / 8 > avail) return -1; /* as in hybrid: the last group may be cut short */
            for (uint64_t k = 0; k < levels; k++, i++) {
                if ((p[k >> 3] >> (k & 7)) & 1) {
                    validity[(row + i) >> 3] |= (uint8_t)(1u << ((row + i) & 7));
                    present++;
                }
            }
            p += groups < avail ? groups : avail;
        } else { /* a run of one level */
            uint64_t run = header >> 1;
            if (p >= end || *p > 1) return -1;
            int level = *p++;
            int64_t stop = run < (uint64_t)(n - i) ? i + (int64_t)run : n;
            if (level) {
                set_bits(validity, row + i, row + stop);
                present += stop - i;
            }
            i = stop;
        }
    }
    return present;
}

typedef struct {
    int64_t *positions; /* byte arrays: each entry's position in the chunk's buffer */
    int64_t *values;    /* int64: the entries */
    int64_t n;
} dictionary_t;

static const char *decode_chunk(chunk_t *chunk, int64_t rows) {
    uint8_t *buf = block_data(chunk->buffer);
    int64_t *out = (int64_t *)block_data(chunk->offsets);
    uint8_t *validity = chunk->validity ? block_data(chunk->validity) : NULL;
    int strings = chunk->desc->physical == PHYSICAL_BYTE_ARRAY, optional = chunk->desc->repetition == OPTIONAL;
    dictionary_t dict = {NULL, NULL, -1};
    int64_t row = 0, nulls = 0;
    const char *err = NULL;
    if (validity) memset(validity, 0, (size_t)((rows + 7) / 8));
    for (int k = 0; k < chunk->npages && !err; k++) {
        page_t *page = &chunk->pages[k];
        uint8_t *dst = buf + page->at;
        if (chunk->codec == CODEC_LZ4_RAW) {
            if (page->src_len > INT32_MAX || page->len > INT32_MAX ||
                LZ4_decompress_safe((const char *)page->src, (char *)dst, (int)page->src_len, (int)page->len) !=
                    page->len) {
                err = "damaged LZ4 page";
                break;
            }
        } else if (chunk->codec == CODEC_ZSTD) {
            size_t got = ZSTD_decompress(dst, (size_t)page->len, page->src, (size_t)page->src_len);
            if (ZSTD_isError(got) || got != (size_t)page->len) {
                err = "damaged ZSTD page";
                break;
            }
        } else {
            if (page->src_len != page->len) {
                err = "bad uncompressed page";
                break;
            }
            memcpy(dst, page->src, (size_t)page->len);
        }
        if (page->type == PAGE_DICTIONARY) {
            if (dict.n >= 0 || k != 0) { err = "second dictionary"; break; }
            if (page->encoding != ENC_PLAIN && page->encoding != ENC_PLAIN_DICTIONARY) { err = "dictionary not PLAIN"; break; }
            if (page->values > page->len) { err = "bad dictionary"; break; } /* each entry takes a byte at least */
            dict.n = page->values;
            if (strings) {
                dict.positions = malloc((size_t)(dict.n + 1) * sizeof(int64_t));
                if (!dict.positions) { err = "no memory"; break; }
                if (plain_strings(dst, page->len, page->at, dict.n, dict.positions) < 0) err = "bad dictionary";
            } else {
                if (dict.n * 8 > page->len) { err = "bad dictionary"; break; }
                dict.values = malloc((size_t)(dict.n + 1) * sizeof(int64_t));
                if (!dict.values) { err = "no memory"; break; }
                memcpy(dict.values, dst, (size_t)dict.n * 8);
            }
            continue;
        }
        /* a data page of version 1: definition levels (optional columns), then the values */
        int64_t n = page->values, present = n;
        if (n > rows - row) { err = "more values than rows"; break; }
        const uint8_t *p = dst, *end = dst + page->len;
        if (optional) {
            if (end - p < 4) { err = "bad levels"; break; }
            uint32_t size = read_u32(p);
            p += 4;
            if (size > (uint64_t)(end - p) || (present = levels_to_validity(p, p + size, n, validity, row)) < 0) {
                err = "bad levels";
                break;
            }
            p += size;
            nulls += n - present;
        }
        /* the present values go straight to their rows, or (nulls among them) through slots */
        int64_t *slots = present == n ? out + row : malloc((size_t)(present + 1) * sizeof(int64_t));
        if (!slots) { err = "no memory"; break; }
        if (page->encoding == ENC_PLAIN) {
            if (strings) {
                if (plain_strings(p, end - p, page->at + (p - dst), present, slots) < 0) err = "bad values";
            } else if (present * 8 > end - p) {
                err = "bad values";
            } else {
                memcpy(slots, p, (size_t)present * 8);
            }
        } else if (page->encoding == ENC_RLE_DICTIONARY || page->encoding == ENC_PLAIN_DICTIONARY) {
            uint32_t *indices = malloc((size_t)(present + 1) * sizeof(uint32_t));
            if (!indices) err = "no memory";
            else if (dict.n < 0) err = "no dictionary";
            else if (present && (end - p < 1 || *p > 32 || !hybrid(p + 1, end, *p, indices, present)))
                err = "bad indices";
            for (int64_t i = 0; i < present && !err; i++) {
                if (indices[i] >= (uint64_t)dict.n) err = "index past the dictionary";
                else slots[i] = strings ? dict.positions[indices[i]] : dict.values[indices[i]];
            }
            free(indices);
        } else {
            err = "values encoded otherwise";
        }
        if (slots != out + row) {
            for (int64_t i = 0, j = 0; i < n && !err; i++)
                out[row + i] = (validity[(row + i) >> 3] >> ((row + i) & 7)) & 1 ? slots[j++] : 0;
            free(slots);
        }
        row += n;
    }
    free(dict.positions);
    free(dict.values);
    if (!err && row != rows) err = "fewer values than rows";
    chunk->nulls = nulls;
    return err;
}

/* ---- the module ---- */

static PyObject *fail(const char *what) {
    PyErr_Format(PyExc_ValueError, "Parquet file not read here: %s", what);
    return NULL;
}

static PyObject *py_layout(PyObject *self, PyObject *arg) {
    Py_buffer view;
    footer_t f;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const char *err = read_footer(view.buf, view.len, &f);
    PyBuffer_Release(&view);
    if (err) return fail(err);
    PyObject *columns = PyList_New(f.ncolumns);
    for (int i = 0; columns && i < f.ncolumns; i++) {
        PyObject *item = Py_BuildValue("(ss)", f.columns[i].name, type_name(&f.columns[i]));
        if (!item) {
            Py_CLEAR(columns);
            break;
        }
        PyList_SET_ITEM(columns, i, item);
    }
    return columns ? Py_BuildValue("(NK)", columns, (unsigned long long)f.nrow_groups) : NULL;
}

static void free_chunks(chunk_t *chunks, int n) {
    for (int i = 0; i < n; i++) {
        free(chunks[i].pages);
        Py_XDECREF(chunks[i].buffer);
        Py_XDECREF(chunks[i].offsets);
        Py_XDECREF(chunks[i].validity);
    }
}

/* the row group's rows and its chunks planned (with the GIL held: objects are made here) */
static const char *plan_row_group(const uint8_t *data, footer_t *f, uint64_t index, chunk_t *chunks,
                                  int64_t *rows) {
    if (index >= f->nrow_groups) return "no such row group";
    cursor_t c = {f->row_groups, f->footer_end, 0};
    for (uint64_t i = 0; i < index && !c.bad; i++) skip(&c, T_STRUCT, 1);
    /* its row count first (Thrift lets it follow the columns): a row group of no rows has nothing to
     * read, and writers leave its chunks' offsets unset (pyarrow) */
    cursor_t columns = {NULL, c.end, 0};
    int last = 0, id, t;
    *rows = -1;
    while ((t = next_field(&c, &last, &id)) != T_STOP) {
        if (id == 1 && t == T_LIST) columns.p = c.p;
        if (id == 3) *rows = int_field(&c, t);
        else skip(&c, t, 1);
    }
    if (c.bad || !columns.p || *rows < 0) return "damaged row group";
    int element;
    uint64_t n = list_header(&columns, &element);
    if (columns.bad || element != T_STRUCT || n != (uint64_t)f->ncolumns) return "columns do not match the schema";
    for (int k = 0; k < f->ncolumns; k++) {
        chunks[k].desc = &f->columns[k];
        if (strcmp(type_name(chunks[k].desc), "unsupported") == 0) return "a column of a type not read here";
        const char *err = *rows ? plan_chunk(&columns, f, data, &chunks[k]) : NULL;
        if (err) return err;
    }
    if (*rows > MAX_ROWS) return "too many rows";
    for (int k = 0; k < f->ncolumns; k++) {
        chunks[k].buffer = new_block(chunks[k].size);
        chunks[k].offsets = new_block(*rows * 8);
        if (f->columns[k].repetition == OPTIONAL)
            chunks[k].validity = new_block((*rows + 7) / 8);
        if (!chunks[k].buffer || !chunks[k].offsets || (f->columns[k].repetition == OPTIONAL && !chunks[k].validity)) {
            PyErr_Clear();
            return "no memory";
        }
    }
    return NULL;
}

static PyObject *py_read_row_group(PyObject *self, PyObject *args) {
    Py_buffer view;
    unsigned long long index;
    footer_t f;
    chunk_t chunks[MAX_COLUMNS];
    int64_t rows = 0;
    if (!PyArg_ParseTuple(args, "y*K", &view, &index)) return NULL;
    memset(chunks, 0, sizeof chunks);
    const char *err = read_footer(view.buf, view.len, &f);
    if (!err) err = plan_row_group(view.buf, &f, index, chunks, &rows);
    if (!err) {
        Py_BEGIN_ALLOW_THREADS
        for (int k = 0; k < f.ncolumns && !err; k++) err = decode_chunk(&chunks[k], rows);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&view);
    if (err) {
        free_chunks(chunks, MAX_COLUMNS);
        return fail(err);
    }
    PyObject *columns = PyList_New(f.ncolumns), *nulls = PyList_New(f.ncolumns);
    for (int k = 0; columns && nulls && k < f.ncolumns; k++) {
        chunk_t *ch = &chunks[k];
        PyObject *count = PyLong_FromLongLong(ch->nulls);
        if (!count) {
            Py_CLEAR(columns);
            break;
        }
        PyList_SET_ITEM(nulls, k, count);
        int kind = ch->desc->physical == PHYSICAL_INT64          ? KIND_INT64
                   : strcmp(type_name(ch->desc), "binary") == 0 ? KIND_BYTES_PREFIXED
                                                                 : KIND_UTF8_PREFIXED;
        PyObject *validity = ch->validity && ch->nulls ? ch->validity : Py_None;
        /* int64: the values themselves are in the offsets' array */
        PyObject *item = kind == KIND_INT64 ? Py_BuildValue("(iOOOi)", kind, validity, Py_None, ch->offsets, 0)
                                            : Py_BuildValue("(iOOOi)", kind, validity, ch->offsets, ch->buffer, 0);
        if (!item) {
            Py_CLEAR(columns);
            break;
        }
        PyList_SET_ITEM(columns, k, item);
    }
    free_chunks(chunks, MAX_COLUMNS);
    if (!columns || !nulls) {
        Py_XDECREF(columns);
        Py_XDECREF(nulls);
        return NULL;
    }
    return Py_BuildValue("(LNN)", (long long)rows, columns, nulls);
}

static PyObject *py_release(PyObject *self, PyObject *unused) {
    for (int i = 0; i < pooled; i++) free(pool[i].data);
    pooled = 0;
    pooled_bytes = 0;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"layout", py_layout, METH_O, "the file's columns, [(name, type)], and how many row groups it has"},
    {"read_row_group", py_read_row_group, METH_VARARGS, "(rows, columns as leaf_hashes takes them, nulls)"},
    {"release", py_release, METH_NOARGS, "frees the pooled buffers"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_parquet_pages", NULL, -1, methods};

PyMODINIT_FUNC PyInit__parquet_pages(void) {
    if (PyType_Ready(&BlockType) < 0) return NULL;
    return PyModule_Create(&module);
}
