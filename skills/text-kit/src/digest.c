/*
 * digest - the SHA-256, SHA-1 or CRC-32 of a text, in hex or base64.
 * A text-kit tool: JSON arguments on stdin, a JSON object on stdout.
 */
#include <stdint.h>

#include "kit.h"

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

/* The message padded to whole 64-byte blocks with its bit length, big-endian. */
static unsigned char *pad(const char *s, size_t n, size_t *blocks)
{
	size_t total = (n + 9 + 63) / 64 * 64;
	unsigned char *m = calloc(total, 1);
	if (!m)
		kit_fail("out of memory");
	memcpy(m, s, n);
	m[n] = 0x80;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
	*blocks = total / 64;
	return m;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void sha256(const char *s, size_t n, unsigned char out[32])
{
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
		0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
		0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
		0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
		0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
		0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
		0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
		0xc67178f2};
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	size_t nb;
	unsigned char *m = pad(s, n, &nb);
	for (size_t b = 0; b < nb; b++) {
		uint32_t w[64], v[8];
		for (int i = 0; i < 16; i++)
			w[i] = be32(m + 64 * b + 4 * i);
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		memcpy(v, h, sizeof v);
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
				      ((v[4] & v[5]) ^ (~v[4] & v[6])) + k[i] + w[i];
			uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
				      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
			memmove(v + 1, v, 7 * sizeof v[0]);
			v[4] += t1;
			v[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			h[i] += v[i];
	}
	free(m);
	for (int i = 0; i < 32; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void sha1(const char *s, size_t n, unsigned char out[20])
{
	uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	size_t nb;
	unsigned char *m = pad(s, n, &nb);
	for (size_t b = 0; b < nb; b++) {
		uint32_t w[80], a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
		for (int i = 0; i < 16; i++)
			w[i] = be32(m + 64 * b + 4 * i);
		for (int i = 16; i < 80; i++)
			w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
		for (int i = 0; i < 80; i++) {
			uint32_t f, k;
			if (i < 20)
				f = (bb & c) | (~bb & d), k = 0x5a827999;
			else if (i < 40)
				f = bb ^ c ^ d, k = 0x6ed9eba1;
			else if (i < 60)
				f = (bb & c) | (bb & d) | (c & d), k = 0x8f1bbcdc;
			else
				f = bb ^ c ^ d, k = 0xca62c1d6;
			uint32_t t = rol(a, 5) + f + e + k + w[i];
			e = d, d = c, c = rol(bb, 30), bb = a, a = t;
		}
		h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
	}
	free(m);
	for (int i = 0; i < 20; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void crc32(const char *s, size_t n, unsigned char out[4])
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	c ^= 0xffffffffu;
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(c >> (24 - 8 * i));
}

int main(void)
{
	struct kit_args a;
	size_t tn, an, en;
	kit_read(&a);
	const char *text = kit_str(&a, "text", NULL, &tn);
	const char *algo = kit_str(&a, "algorithm", "sha256", &an);
	const char *enc = kit_str(&a, "encoding", "hex", &en);
	unsigned char d[32];
	size_t dn;
	if (!strcmp(algo, "sha256"))
		sha256(text, tn, d), dn = 32;
	else if (!strcmp(algo, "sha1"))
		sha1(text, tn, d), dn = 20;
	else if (!strcmp(algo, "crc32"))
		crc32(text, tn, d), dn = 4;
	else
		kit_fail("algorithm must be sha256, sha1 or crc32");
	char out[64];
	size_t on = 0;
	if (!strcmp(enc, "hex")) {
		for (size_t i = 0; i < dn; i++)
			on += (size_t)sprintf(out + on, "%02x", d[i]);
	} else if (!strcmp(enc, "base64")) {
		static const char b64[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (size_t i = 0; i < dn; i += 3) {
			uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < dn ? (uint32_t)d[i + 1] << 8 : 0) |
				     (i + 2 < dn ? d[i + 2] : 0);
			out[on++] = b64[v >> 18 & 63];
			out[on++] = b64[v >> 12 & 63];
			out[on++] = i + 1 < dn ? b64[v >> 6 & 63] : '=';
			out[on++] = i + 2 < dn ? b64[v & 63] : '=';
		}
	} else {
		kit_fail("encoding must be hex or base64");
	}
	printf("{\"algorithm\":");
	kit_json_str(algo, an);
	printf(",\"encoding\":");
	kit_json_str(enc, en);
	printf(",\"bytes\":%zu,\"digest\":", tn);
	kit_json_str(out, on);
	printf("}\n");
	return 0;
}
