/*
 * The one Check runner: every tests/unit/test_<name>.c defines
 * `Suite *suite_<name>(void)`, and the build lists them in suites.h.
 * Arguments name suites to run (all when none are given).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(n) Suite *suite_##n(void);
#include "suites.h"
#undef SUITE

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
#define SUITE(n) {#n, suite_##n},
#include "suites.h"
#undef SUITE
};

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		int want = argc < 2;
		for (int j = 1; j < argc; j++)
			want |= strcmp(argv[j], suites[i].name) == 0;
		if (!want)
			continue;
		if (!sr)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (!sr) {
		fprintf(stderr, "run: no such suite\n");
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
