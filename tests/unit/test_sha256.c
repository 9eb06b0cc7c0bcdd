#include "sha256.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* FIPS 180-2 / NIST example vectors; `repeat` copies of `msg`. */
static const struct {
	const char *msg;
	size_t repeat;
	const char *hex;
} vec[] = {
	{"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	 1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	{"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

START_TEST(test_vectors)
{
	size_t len = strlen(vec[_i].msg), total = len * vec[_i].repeat;
	char *buf = malloc(total + 1);
	ck_assert_ptr_nonnull(buf);
	for (size_t r = 0; r < vec[_i].repeat; r++)
		memcpy(buf + r * len, vec[_i].msg, len);
	uint8_t d[32];
	char hex[65];

	sha256_buf(buf, total, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, vec[_i].hex);

	/* Uneven pieces cross block boundaries at every offset. */
	struct sha256 s;
	sha256_init(&s);
	size_t off = 0, step = 1;
	while (off < total) {
		size_t take = total - off < step ? total - off : step;
		sha256_update(&s, buf + off, take);
		off += take;
		step = step % 131 + 1;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, vec[_i].hex);
	free(buf);
}
END_TEST

/* Lengths around the padding edge (55, 56, 63, 64 bytes) agree split or whole. */
START_TEST(test_padding_edges)
{
	unsigned char buf[130];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	for (size_t len = 0; len <= sizeof buf; len++) {
		uint8_t whole[32], split[32];
		sha256_buf(buf, len, whole);
		for (size_t cut = 0; cut <= len; cut++) {
			struct sha256 s;
			sha256_init(&s);
			sha256_update(&s, buf, cut);
			sha256_update(&s, buf + cut, len - cut);
			sha256_final(&s, split);
			ck_assert_mem_eq(whole, split, 32);
		}
	}
}
END_TEST

Suite *suite_sha256(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_vectors, 0, (int)(sizeof vec / sizeof vec[0]));
	tcase_add_test(tc, test_padding_edges);
	suite_add_tcase(s, tc);
	return s;
}
