/* SHA-256 with the CPU's SHA extensions (x86-64 SHA-NI), two messages at a time.
 *
 * Why our own and not only OpenSSL's: the log hashes millions of short messages (an event's leaf,
 * 150-250 bytes; an RFC 6962 node, 65 bytes). OpenSSL hashes one message at a time, and its rounds
 * wait on each other: every sha256rnds2 needs the previous one's result. Two independent messages
 * interleaved fill those waits, so two cost little more than one: on the 2-core Xeon a 176-byte leaf
 * takes about 130 ns here against 220 ns through OpenSSL's EVP interface, a 65-byte node about 90 ns
 * against 180 ns. The SHA instructions have only the 16 legacy xmm registers, and two streams use
 * most of them, so two is as wide as this goes.
 *
 * The round structure follows Intel's SHA extensions reference (and OpenSSL's sha256-x86_64): the
 * state is kept as ABEF/CDGH, four message words are scheduled with sha256msg1/msg2, and each
 * sha256rnds2 does two rounds. Callers pad the messages (sha256_pad) in their own buffers, so no
 * message is copied. Tests compare every path with hashlib for every length from 0 to 1,100 bytes and
 * for pairs of unequal lengths; without the extensions (or when turned off) the kernels use OpenSSL.
 */
#ifndef LAKTHAN_SHA256_NI_H
#define LAKTHAN_SHA256_NI_H

#include <stdint.h>
#include <string.h>

#define SHA256_PAD_MAX 72 /* what sha256_pad may append: 0x80, up to 63 zeros, the 8-byte length */

static const uint32_t SHA256_IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* appends SHA-256's padding to the len bytes at msg (which has room for SHA256_PAD_MAX more);
 * returns the number of 64-byte blocks */
static inline size_t sha256_pad(uint8_t *msg, size_t len) {
    size_t blocks = (len + 9 + 63) / 64, end = blocks * 64;
    uint64_t bits = __builtin_bswap64((uint64_t)len * 8);
    msg[len] = 0x80;
    /* 64 zeros whatever the length (a fixed size is a few stores, not a call); the length's 8 bytes
     * end at most 72 bytes past len, so both stay in the room the caller gave */
    memset(msg + len + 1, 0, 64);
    memcpy(msg + end - 8, &bits, 8);
    return blocks;
}

static inline void sha256_digest_out(const uint32_t state[8], uint8_t out[32]) {
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(state[i] >> 8);
        out[4 * i + 3] = (uint8_t)state[i];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

#define SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* does this CPU have the SHA extensions and the SSE4.1/SSSE3 they are used with? */
static int sha256_ni_supported(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & bit_SHA) != 0;
}

static const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* state (A..H) to the ABEF/CDGH pair the instructions work on, and back */
SHA_NI_TARGET static void sha_ni_load(const uint32_t state[8], __m128i *abef, __m128i *cdgh) {
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1); /* CDAB */
    __m128i s = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); /* EFGH */
    *abef = _mm_alignr_epi8(t, s, 8);
    *cdgh = _mm_blend_epi16(s, t, 0xF0);
}

SHA_NI_TARGET static void sha_ni_store(__m128i abef, __m128i cdgh, uint32_t state[8]) {
    __m128i t = _mm_shuffle_epi32(abef, 0x1B); /* FEBA */
    __m128i s = _mm_shuffle_epi32(cdgh, 0xB1); /* DCHG */
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(t, s, 0xF0)); /* DCBA */
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(s, t, 8));   /* HGFE */
}

/* the four message words of group i (0..15) of a block: loaded for i < 4, scheduled after */
#define SHA_NI_SCHEDULE(w, data, i)                                                                   \
    do {                                                                                              \
        if ((i) < 4) {                                                                                \
            w[(i)] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)((data) + 16 * (i))), swap);   \
        } else {                                                                                      \
            __m128i x_ = _mm_sha256msg1_epu32(w[(i) & 3], w[((i) + 1) & 3]);                          \
            x_ = _mm_add_epi32(x_, _mm_alignr_epi8(w[((i) + 3) & 3], w[((i) + 2) & 3], 4));           \
            w[(i) & 3] = _mm_sha256msg2_epu32(x_, w[((i) + 3) & 3]);                                  \
        }                                                                                             \
    } while (0)

/* four rounds of group i */
#define SHA_NI_ROUNDS(abef, cdgh, w, i)                                                               \
    do {                                                                                              \
        __m128i m_ = _mm_add_epi32(w[(i) & 3], _mm_loadu_si128((const __m128i *)&SHA256_K[4 * (i)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m_);                                                 \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m_, 0x0E));                        \
    } while (0)

/* blocks 64-byte blocks of data into state */
SHA_NI_TARGET static void sha256_ni_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh;
    sha_ni_load(state, &abef, &cdgh);
    for (; blocks; blocks--, data += 64) {
        __m128i abef0 = abef, cdgh0 = cdgh, w[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            SHA_NI_SCHEDULE(w, data, i);
            SHA_NI_ROUNDS(abef, cdgh, w, i);
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    sha_ni_store(abef, cdgh, state);
}

/* the same number of blocks of two messages, their instructions interleaved */
SHA_NI_TARGET static void sha256_ni_blocks_x2(uint32_t sa[8], const uint8_t *da, uint32_t sb[8],
                                              const uint8_t *db, size_t blocks) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i a_abef, a_cdgh, b_abef, b_cdgh;
    sha_ni_load(sa, &a_abef, &a_cdgh);
    sha_ni_load(sb, &b_abef, &b_cdgh);
    for (; blocks; blocks--, da += 64, db += 64) {
        __m128i a_abef0 = a_abef, a_cdgh0 = a_cdgh, b_abef0 = b_abef, b_cdgh0 = b_cdgh, wa[4], wb[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            SHA_NI_SCHEDULE(wa, da, i);
            SHA_NI_SCHEDULE(wb, db, i);
            SHA_NI_ROUNDS(a_abef, a_cdgh, wa, i);
            SHA_NI_ROUNDS(b_abef, b_cdgh, wb, i);
        }
        a_abef = _mm_add_epi32(a_abef, a_abef0);
        a_cdgh = _mm_add_epi32(a_cdgh, a_cdgh0);
        b_abef = _mm_add_epi32(b_abef, b_abef0);
        b_cdgh = _mm_add_epi32(b_cdgh, b_cdgh0);
    }
    sha_ni_store(a_abef, a_cdgh, sa);
    sha_ni_store(b_abef, b_cdgh, sb);
}

/* the digests of two padded messages of na and nb blocks: their common blocks side by side, the
 * longer one's rest alone */
static void sha256_ni_pair(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint8_t out_a[32],
                           uint8_t out_b[32]) {
    uint32_t sa[8], sb[8];
    size_t common = na < nb ? na : nb;
    memcpy(sa, SHA256_IV, sizeof sa);
    memcpy(sb, SHA256_IV, sizeof sb);
    sha256_ni_blocks_x2(sa, a, sb, b, common);
    if (na > common) sha256_ni_blocks(sa, a + 64 * common, na - common);
    if (nb > common) sha256_ni_blocks(sb, b + 64 * common, nb - common);
    sha256_digest_out(sa, out_a);
    sha256_digest_out(sb, out_b);
}

/* the digest of one padded message of n blocks */
static void sha256_ni_one(const uint8_t *msg, size_t n, uint8_t out[32]) {
    uint32_t s[8];
    memcpy(s, SHA256_IV, sizeof s);
    sha256_ni_blocks(s, msg, n);
    sha256_digest_out(s, out);
}

#else /* no SHA extensions to use on this platform: the kernels keep to OpenSSL */
static int sha256_ni_supported(void) { return 0; }
static void sha256_ni_pair(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint8_t out_a[32],
                           uint8_t out_b[32]) {}
static void sha256_ni_one(const uint8_t *msg, size_t n, uint8_t out[32]) {}
#endif

#endif
