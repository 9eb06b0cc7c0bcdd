/*
 * sha256.h - SHA-256 (FIPS 180-4), shared by the generator and the runtime so
 * both agree on file and skill digests.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;          /* bytes hashed so far */
	unsigned char buf[64]; /* the partial block */
	size_t n;              /* bytes in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Finishes the digest; `s` must be initialized again before reuse. */
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* Lowercase hex, NUL-terminated. */
void sha256_hex(const uint8_t digest[32], char out[65]);
/* One-shot digest of a buffer. */
void sha256_buf(const void *data, size_t len, uint8_t out[32]);

#endif
