/* The floor of log verification: OpenSSL's SHA-256 alone over the same work, on every core.
 * With --ni, the same work hashed as Lakthan's kernel hashes it (engines/_sha256_ni.h: the CPU's SHA
 * extensions, two messages at a time), to show what is left of verification beside its hashing.
 *
 * Reads a file of leaf inputs (each: 4-byte little-endian length, then the event's canonical
 * encoding with its 0x00 leaf prefix, as engines/eventhash.py defines it), then hashes every leaf and
 * every RFC 6962 node of the tree over them: the leaves in two halves on two threads, then the tree's
 * two subtrees (cut at its largest power-of-two split) on two threads, the root joined at the end. Only the hashing is timed; it prints
 * "<seconds> <root hex>" so that the caller can check the root is the one the log holds.
 *
 *     cc -O3 -pthread sha_floor.c -lcrypto -o sha_floor && ./sha_floor [--ni] leaves.bin
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/lakthan/monitoring/engines/_sha256_ni.h"

static EVP_MD *md;
static int two_way; /* --ni */
static const uint8_t **inputs;
static uint32_t *lengths;

static uint8_t (*hashes)[32];

typedef struct {
    size_t lo, hi;
    uint8_t root[32];
} Job;

static void sha(EVP_MD_CTX *ctx, const uint8_t *data, size_t len, uint8_t *out) {
    EVP_DigestInit_ex2(ctx, md, NULL);
    EVP_DigestUpdate(ctx, data, len);
    EVP_DigestFinal_ex(ctx, out, NULL);
}

static size_t split(size_t n) { /* the largest power of two below n */
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

/* RFC 6962 MTH over n leaf hashes */
static void tree(EVP_MD_CTX *ctx, uint8_t (*h)[32], size_t n, uint8_t *out) {
    if (n == 1) {
        memcpy(out, h[0], 32);
        return;
    }
    size_t k = split(n);
    uint8_t node[65];
    node[0] = 1;
    tree(ctx, h, k, node + 1);
    tree(ctx, h + k, n - k, node + 33);
    sha(ctx, node, 65, out);
}

/* the same tree level by level, two nodes at a time (as _native.c's merkle_root does with --ni) */
static void tree_two_way(uint8_t (*h)[32], size_t n, uint8_t *out) {
    uint8_t(*level)[32] = malloc(n * 32), a[65 + SHA256_PAD_MAX], b[65 + SHA256_PAD_MAX];
    memcpy(level, h, n * 32);
    a[0] = b[0] = 1;
    sha256_pad(a, 65);
    sha256_pad(b, 65);
    while (n > 1) {
        size_t half = n / 2, i = 0;
        for (; i + 1 < half; i += 2) {
            memcpy(a + 1, level[2 * i], 64);
            memcpy(b + 1, level[2 * i + 2], 64);
            sha256_ni_pair(a, 2, b, 2, level[i], level[i + 1]);
        }
        if (i < half) {
            memcpy(a + 1, level[2 * i], 64);
            sha256_ni_one(a, 2, level[i]);
        }
        if (n % 2) memmove(level[half], level[n - 1], 32);
        n = half + n % 2;
    }
    memcpy(out, level[0], 32);
    free(level);
}

/* two leaves side by side, each copied into a buffer with room for its padding */
static void leaves_two_way(size_t lo, size_t hi) {
    static __thread uint8_t *a, *b;
    static __thread size_t cap;
    for (size_t i = lo; i < hi; i += 2) {
        size_t na = lengths[i], nb = i + 1 < hi ? lengths[i + 1] : 0, need = (na > nb ? na : nb) + SHA256_PAD_MAX;
        if (need > cap) {
            a = realloc(a, need), b = realloc(b, need), cap = need;
        }
        memcpy(a, inputs[i], na);
        if (i + 1 < hi) {
            memcpy(b, inputs[i + 1], nb);
            sha256_ni_pair(a, sha256_pad(a, na), b, sha256_pad(b, nb), hashes[i], hashes[i + 1]);
        } else {
            sha256_ni_one(a, sha256_pad(a, na), hashes[i]);
        }
    }
}

static void *leaves(void *arg) {
    Job *job = arg;
    if (two_way) {
        leaves_two_way(job->lo, job->hi);
        return NULL;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    for (size_t i = job->lo; i < job->hi; i++) sha(ctx, inputs[i], lengths[i], hashes[i]);
    EVP_MD_CTX_free(ctx);
    return NULL;
}

static void *subtree(void *arg) {
    Job *job = arg;
    if (two_way) {
        tree_two_way(hashes + job->lo, job->hi - job->lo, job->root);
        return NULL;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    tree(ctx, hashes + job->lo, job->hi - job->lo, job->root);
    EVP_MD_CTX_free(ctx);
    return NULL;
}

/* Runs fn on two jobs, one on a second thread. */
static void both(void *(*fn)(void *), Job *jobs) {
    pthread_t thread;
    pthread_create(&thread, NULL, fn, &jobs[1]);
    fn(&jobs[0]);
    pthread_join(thread, NULL);
}

int main(int argc, char **argv) {
    two_way = argc == 3 && !strcmp(argv[1], "--ni");
    if (two_way && !sha256_ni_supported()) return 3;
    if (argc != 2 + two_way) return 2;
    FILE *f = fopen(argv[1 + two_way], "rb");
    if (!f) return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(size);
    if (fread(data, 1, size, f) != (size_t)size) return 2;
    fclose(f);
    size_t n = 0;
    for (long p = 0; p < size; n++) p += 4 + (data[p] | data[p + 1] << 8 | data[p + 2] << 16 | (uint32_t)data[p + 3] << 24);
    inputs = malloc(n * sizeof *inputs);
    lengths = malloc(n * sizeof *lengths);
    long p = 0;
    for (size_t i = 0; i < n; i++) {
        lengths[i] = data[p] | data[p + 1] << 8 | data[p + 2] << 16 | (uint32_t)data[p + 3] << 24;
        inputs[i] = data + p + 4;
        p += 4 + lengths[i];
    }
    md = EVP_MD_fetch(NULL, "SHA256", NULL);
    hashes = malloc(n * 32);
    if (n < 2) return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Job halves[2] = {{0, n / 2, {0}}, {n / 2, n, {0}}};
    both(leaves, halves);
    size_t k = split(n);
    Job subtrees[2] = {{0, k, {0}}, {k, n, {0}}};
    both(subtree, subtrees);
    uint8_t node[65], root[32];
    node[0] = 1;
    memcpy(node + 1, subtrees[0].root, 32);
    memcpy(node + 33, subtrees[1].root, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    sha(ctx, node, 65, root);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.6f ", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    for (int i = 0; i < 32; i++) printf("%02x", root[i]);
    printf("\n");
    return 0;
}
