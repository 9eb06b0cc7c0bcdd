/* test_jsv.c - the JSON Schema subset: checking values, and checking schemas. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsv.h"

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	ck_assert_msg(v != NULL, "bad test JSON (%s): %s", je.text, text);
	return v;
}

/* A schema, a value, and the message jsv_check gives ("" when it passes). */
static const struct {
	const char *schema, *value, *err;
} checks[] = {
	/* type */
	{"{\"type\":\"object\"}", "{}", ""},
	{"{\"type\":\"object\"}", "[]", "at the root: expected object, got array"},
	{"{\"type\":\"array\"}", "[1]", ""},
	{"{\"type\":\"array\"}", "{}", "at the root: expected array, got object"},
	{"{\"type\":\"string\"}", "\"x\"", ""},
	{"{\"type\":\"string\"}", "3", "at the root: expected string, got integer 3"},
	{"{\"type\":\"number\"}", "1.5", ""},
	{"{\"type\":\"number\"}", "2", ""},
	{"{\"type\":\"number\"}", "\"2\"", "at the root: expected number, got string \"2\""},
	{"{\"type\":\"integer\"}", "2", ""},
	{"{\"type\":\"integer\"}", "2.0", ""},
	{"{\"type\":\"integer\"}", "-1e3", ""},
	{"{\"type\":\"integer\"}", "2.5", "at the root: expected integer, got number 2.5"},
	{"{\"type\":\"boolean\"}", "false", ""},
	{"{\"type\":\"boolean\"}", "null", "at the root: expected boolean, got null"},
	{"{\"type\":\"null\"}", "null", ""},
	{"{\"type\":\"null\"}", "true", "at the root: expected null, got boolean true"},
	{"{\"type\":[\"string\",\"null\"]}", "null", ""},
	{"{\"type\":[\"string\",\"null\"]}", "\"a\"", ""},
	{"{\"type\":[\"string\",\"integer\",\"null\"]}", "{}",
	 "at the root: expected string, integer or null, got object"},
	/* properties, required, additionalProperties */
	{"{\"properties\":{\"a\":{\"type\":\"integer\"}}}", "{\"a\":1,\"b\":\"x\"}", ""},
	{"{\"properties\":{\"a\":{\"type\":\"integer\"}}}", "{\"a\":\"one\"}",
	 "at '/a': expected integer, got string \"one\""},
	{"{\"properties\":{\"a\":{\"type\":\"integer\"}}}", "[1]", ""}, /* applies to objects only */
	{"{\"required\":[\"a\",\"b\"]}", "{\"a\":1,\"b\":null}", ""},
	{"{\"required\":[\"a\",\"b\"]}", "{\"a\":1}", "at the root: missing required property 'b'"},
	{"{\"additionalProperties\":false,\"properties\":{\"a\":{}}}", "{\"a\":1}", ""},
	{"{\"additionalProperties\":false,\"properties\":{\"a\":{}}}", "{\"a\":1,\"zz\":2}",
	 "at the root: unexpected property 'zz'"},
	{"{\"additionalProperties\":{\"type\":\"string\"}}", "{\"a\":\"x\",\"b\":2}",
	 "at '/b': expected string, got integer 2"},
	{"{\"additionalProperties\":true}", "{\"a\":1}", ""},
	/* items */
	{"{\"items\":{\"type\":\"string\"}}", "[\"a\",\"b\"]", ""},
	{"{\"items\":{\"type\":\"string\"}}", "[\"a\",\"b\",3]", "at '/2': expected string, got integer 3"},
	{"{\"items\":{\"properties\":{\"name\":{\"type\":\"string\"}}}}",
	 "[{},{},{\"name\":false}]", "at '/2/name': expected string, got boolean false"},
	{"{\"properties\":{\"items\":{\"items\":{\"properties\":{\"name\":{\"type\":\"string\"}}}}}}",
	 "{\"items\":[{},{},{\"name\":1}]}", "at '/items/2/name': expected string, got integer 1"},
	{"{\"items\":false}", "[]", ""},
	{"{\"items\":false}", "[1]", "at '/0': no value is allowed here"},
	/* pointer escaping */
	{"{\"properties\":{\"a/b\":{\"properties\":{\"c~d\":{\"type\":\"null\"}}}}}",
	 "{\"a/b\":{\"c~d\":1}}", "at '/a~1b/c~0d': expected null, got integer 1"},
	{"{\"additionalProperties\":{\"type\":\"null\"}}", "{\"x\\u0001y\":1}",
	 "at '/x\\x01y': expected null, got integer 1"},
	/* enum and const */
	{"{\"enum\":[\"a\",\"b\",1]}", "\"b\"", ""},
	{"{\"enum\":[\"a\",\"b\",1]}", "1.0", ""},
	{"{\"enum\":[\"a\",\"b\",1]}", "\"c\"", "at the root: expected one of [\"a\",\"b\",1], got \"c\""},
	{"{\"enum\":[{\"a\":[1,2]}]}", "{\"a\":[1,2.0]}", ""},
	{"{\"enum\":[{\"a\":[1,2]}]}", "{\"a\":[2,1]}",
	 "at the root: expected one of [{\"a\":[1,2]}], got {\"a\":[2,1]}"},
	{"{\"enum\":[{\"a\":1,\"b\":2}]}", "{\"b\":2,\"a\":1}", ""},
	{"{\"enum\":[null,true]}", "false", "at the root: expected one of [null,true], got false"},
	{"{\"const\":3}", "3", ""},
	{"{\"const\":3}", "3.0", ""},
	{"{\"const\":3}", "4", "at the root: expected 3, got 4"},
	{"{\"const\":\"x\"}", "\"y\"", "at the root: expected \"x\", got \"y\""},
	{"{\"const\":[1]}", "[1,1]", "at the root: expected [1], got [1,1]"},
	/* numbers */
	{"{\"minimum\":0}", "0", ""},
	{"{\"minimum\":0}", "-1", "at the root: expected a number >= 0, got -1"},
	{"{\"minimum\":0.5}", "0.25", "at the root: expected a number >= 0.5, got 0.25"},
	{"{\"exclusiveMinimum\":0}", "0.001", ""},
	{"{\"exclusiveMinimum\":0}", "0", "at the root: expected a number > 0, got 0"},
	{"{\"maximum\":10}", "10", ""},
	{"{\"maximum\":10}", "10.5", "at the root: expected a number <= 10, got 10.5"},
	{"{\"exclusiveMaximum\":10}", "9", ""},
	{"{\"exclusiveMaximum\":10}", "10.0", "at the root: expected a number < 10, got 10.0"},
	{"{\"minimum\":9007199254740993}", "9007199254740992",
	 "at the root: expected a number >= 9007199254740993, got 9007199254740992"},
	{"{\"minimum\":5}", "\"a\"", ""}, /* applies to numbers only */
	/* strings: code points, not bytes */
	{"{\"minLength\":2}", "\"ab\"", ""},
	{"{\"minLength\":2}", "\"a\"", "at the root: expected at least 2 characters, got 1"},
	{"{\"minLength\":1}", "\"\"", "at the root: expected at least 1 character, got 0"},
	{"{\"maxLength\":2}", "\"\xc3\xa9\xe2\x82\xac\"", ""},
	{"{\"maxLength\":2}", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
	 "at the root: expected at most 2 characters, got 3"},
	{"{\"maxLength\":2.0}", "\"abc\"", "at the root: expected at most 2 characters, got 3"},
	{"{\"maxLength\":1}", "[1,2]", ""},
	/* arrays */
	{"{\"minItems\":1}", "[0]", ""},
	{"{\"minItems\":1}", "[]", "at the root: expected at least 1 item, got 0"},
	{"{\"maxItems\":2}", "[1,2]", ""},
	{"{\"maxItems\":2}", "[1,2,3]", "at the root: expected at most 2 items, got 3"},
	/* shown values are shortened and escaped */
	{"{\"type\":\"integer\"}",
	 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	 "at the root: expected integer, got string "
	 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."},
	{"{\"type\":\"integer\"}", "\"a\\nb\"", "at the root: expected integer, got string \"a\\nb\""},
	/* boolean schemas, annotations and unknown keywords (trusted: ignored) */
	{"true", "[1]", ""},
	{"false", "1", "at the root: no value is allowed here"},
	{"{\"title\":\"t\",\"description\":\"d\",\"default\":1,\"examples\":[2],\"format\":\"date\"}",
	 "\"not a date\"", ""},
	{"{\"pattern\":\"^a$\"}", "\"b\"", ""},
	/* the first problem only, in document order */
	{"{\"type\":\"object\",\"required\":[\"count\"],\"properties\":{\"count\":{\"type\":\"integer\"},"
	 "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}",
	 "{\"count\":3,\"items\":[\"a\",\"b\",\"c\"]}", ""},
	{"{\"type\":\"object\",\"required\":[\"count\"],\"properties\":{\"count\":{\"type\":\"integer\"},"
	 "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}",
	 "{\"count\":\"three\"}", "at '/count': expected integer, got string \"three\""},
};

START_TEST(test_check)
{
	json_t *s = load(checks[_i].schema), *v = load(checks[_i].value);
	char err[512] = "untouched";
	int rc = jsv_check(s, v, err, sizeof err);
	if (!*checks[_i].err) {
		ck_assert_msg(rc == 0, "%s against %s: %s", checks[_i].value, checks[_i].schema, err);
		ck_assert_str_eq(err, "untouched");
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, checks[_i].err);
	}
	json_decref(s);
	json_decref(v);
}
END_TEST

/* Every schema the checker accepts passes jsv_supported too. */
START_TEST(test_check_schemas_supported)
{
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		if (strstr(checks[i].schema, "pattern"))
			continue;
		json_t *s = load(checks[i].schema);
		char err[2048];
		ck_assert_msg(jsv_supported(s, err, sizeof err) == 0, "%s: %s", checks[i].schema, err);
		json_decref(s);
	}
}
END_TEST

/* A schema and what jsv_supported says ("" when it is fine). */
static const struct {
	const char *schema, *err;
} schemas[] = {
	{"{}", ""},
	{"true", ""},
	{"{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$comment\":\"c\",\"title\":\"t\","
	 "\"description\":\"d\",\"default\":{},\"examples\":[1],\"format\":\"uri\",\"deprecated\":false,"
	 "\"readOnly\":true,\"writeOnly\":false}", ""},
	{"{\"type\":[\"object\",\"array\",\"string\",\"number\",\"integer\",\"boolean\",\"null\"]}", ""},
	{"{\"minimum\":-1.5,\"maximum\":2,\"exclusiveMinimum\":-2,\"exclusiveMaximum\":3,\"minLength\":0,"
	 "\"maxLength\":4,\"minItems\":1.0,\"maxItems\":9,\"enum\":[1],\"const\":null}", ""},
	{"[]", "at the root: expected a schema (an object or a boolean), got array"},
	{"{\"type\":\"int\"}",
	 "at '/type': unknown type 'int'; expected object, array, string, number, integer, boolean or null"},
	{"{\"type\":[\"string\",7]}",
	 "at '/type/1': expected a type name, got integer 7"},
	{"{\"type\":[]}", "at '/type': 'type' must be a type name or a non-empty list of them, not array"},
	{"{\"type\":[\"null\",\"null\"]}", "at '/type/1': type 'null' is listed twice"},
	{"{\"properties\":[]}", "at '/properties': 'properties' must be an object, not array"},
	{"{\"properties\":{\"a\":3}}",
	 "at '/properties/a': expected a schema (an object or a boolean), got integer 3"},
	{"{\"required\":\"a\"}", "at '/required': 'required' must be a list of property names, not string \"a\""},
	{"{\"required\":[\"a\",1]}", "at '/required/1': 'required' must list property names, not integer 1"},
	{"{\"required\":[\"a\",\"a\"]}", "at '/required/1': property 'a' is required twice"},
	{"{\"additionalProperties\":\"no\"}",
	 "at '/additionalProperties': expected a schema (an object or a boolean), got string \"no\""},
	{"{\"additionalProperties\":{\"format\":1}}",
	 "at '/additionalProperties/format': 'format' must be a string, not integer 1"},
	{"{\"items\":[{}]}",
	 "at '/items': 'items' must be one schema; a list of schemas (tuples) is not supported"},
	{"{\"items\":{\"items\":{\"pattern\":\"x\"}}}",
	 "at '/items/items/pattern': unsupported keyword 'pattern'; supported: type, properties, "
	 "required, additionalProperties, items, enum, const, minimum, maximum, exclusiveMinimum, "
	 "exclusiveMaximum, minLength, maxLength, minItems, maxItems; annotations (ignored): title, "
	 "description, default, examples, $schema, $comment, format, deprecated, readOnly, writeOnly"},
	{"{\"properties\":{\"p/q\":{\"$ref\":\"#\"}}}", "at '/properties/p~1q/$ref': unsupported keyword '$ref'; supported: "},
	{"{\"oneOf\":[]}", "at '/oneOf': unsupported keyword 'oneOf'; supported: "},
	{"{\"enum\":[]}", "at '/enum': 'enum' must be a non-empty list of values, not array"},
	{"{\"enum\":1}", "at '/enum': 'enum' must be a non-empty list of values, not integer 1"},
	{"{\"minimum\":\"1\"}", "at '/minimum': 'minimum' must be a number, not string \"1\""},
	{"{\"exclusiveMaximum\":true}", "at '/exclusiveMaximum': 'exclusiveMaximum' must be a number, not boolean true"},
	{"{\"minLength\":-1}", "at '/minLength': 'minLength' must be a non-negative integer, not integer -1"},
	{"{\"maxItems\":1.5}", "at '/maxItems': 'maxItems' must be a non-negative integer, not number 1.5"},
	{"{\"title\":[]}", "at '/title': 'title' must be a string, not array"},
	{"{\"readOnly\":\"yes\"}", "at '/readOnly': 'readOnly' must be true or false, not string \"yes\""},
	{"{\"examples\":1}", "at '/examples': 'examples' must be a list, not integer 1"},
	{"{\"\\u001b[31m\":1}", "at '/\\x1B[31m': unsupported keyword '\\x1B[31m'; supported: "},
};

START_TEST(test_supported)
{
	json_t *s = load(schemas[_i].schema);
	char err[2048] = "untouched";
	int rc = jsv_supported(s, err, sizeof err);
	const char *want = schemas[_i].err;
	size_t n = strlen(want);
	if (!n) {
		ck_assert_msg(rc == 0, "%s: %s", schemas[_i].schema, err);
		ck_assert_str_eq(err, "untouched");
	} else {
		ck_assert_int_eq(rc, -1);
		/* A want ending in ": " is a prefix (the keyword list follows). */
		if (want[n - 1] == ' ')
			ck_assert_msg(!strncmp(err, want, n), "got: %s", err);
		else
			ck_assert_str_eq(err, want);
	}
	json_decref(s);
}
END_TEST

/* Nested {"items": ...} n deep around {} (n == 0: the empty schema). */
static json_t *nest(int n, const char *kw)
{
	json_t *s = json_object();
	for (int i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, kw, s);
		s = o;
	}
	return s;
}

static json_t *nest_value(int n)
{
	json_t *v = json_integer(1);
	for (int i = 0; i < n; i++) {
		json_t *a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	return v;
}

START_TEST(test_depth)
{
	char err[4096], ptr[4096], msg[256];
	/* At the bound: fine. */
	json_t *s = nest(JSV_MAX_DEPTH, "items"), *v = nest_value(JSV_MAX_DEPTH);
	ck_assert_int_eq(jsv_supported(s, err, sizeof err), 0);
	ck_assert_int_eq(jsv_check(s, v, err, sizeof err), 0);
	json_decref(s);
	json_decref(v);
	/* One past: an error at the innermost place, not a crash. */
	s = nest(JSV_MAX_DEPTH + 1, "items");
	v = nest_value(JSV_MAX_DEPTH + 1);
	ck_assert_int_eq(jsv_supported_at(s, ptr, sizeof ptr, msg, sizeof msg), -1);
	ck_assert_str_eq(msg, "schema nesting is deeper than 64 levels");
	ck_assert_uint_eq(strlen(ptr), (JSV_MAX_DEPTH + 1) * strlen("/items"));
	ck_assert_int_eq(jsv_check_at(s, v, ptr, sizeof ptr, msg, sizeof msg), -1);
	ck_assert_str_eq(msg, "schema nesting is deeper than 64 levels");
	ck_assert_uint_eq(strlen(ptr), (JSV_MAX_DEPTH + 1) * strlen("/0"));
	json_decref(s);
	json_decref(v);
	/* Far past, through properties: still bounded. */
	s = nest(10000, "additionalProperties");
	ck_assert_int_eq(jsv_supported(s, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "deeper than 64 levels"));
	json_decref(s);
	/* Deep values compare unequal rather than recurse without end. */
	s = json_object();
	json_t *deep = nest_value(1000), *en = json_array();
	json_array_append(en, deep);
	json_object_set_new(s, "enum", en);
	ck_assert_int_eq(jsv_check(s, deep, err, sizeof err), -1);
	json_decref(deep);
	json_decref(s);
}
END_TEST

START_TEST(test_buffers)
{
	json_t *s = load("{\"properties\":{\"\xc3\xa9\xc3\xa9\xc3\xa9\":{\"type\":\"string\"}}}");
	json_t *v = load("{\"\xc3\xa9\xc3\xa9\xc3\xa9\":1}");
	char small[11];
	/* Cut to fit, and never inside a character. */
	ck_assert_int_eq(jsv_check(s, v, small, sizeof small), -1);
	ck_assert_str_eq(small, "at '/\xc3\xa9\xc3\xa9");
	char ptr[4], msg[9];
	ck_assert_int_eq(jsv_check_at(s, v, ptr, sizeof ptr, msg, sizeof msg), -1);
	ck_assert_str_eq(ptr, "/\xc3\xa9");
	ck_assert_str_eq(msg, "expected");
	/* NULL buffers are allowed. */
	ck_assert_int_eq(jsv_check(s, v, NULL, 0), -1);
	ck_assert_int_eq(jsv_check_at(s, v, NULL, 0, NULL, 0), -1);
	ck_assert_int_eq(jsv_supported_at(s, NULL, 0, NULL, 0), 0);
	/* NULL schema or value. */
	char err[64];
	ck_assert_int_eq(jsv_check(NULL, v, err, sizeof err), -1);
	ck_assert_str_eq(err, "at the root: no schema to check");
	ck_assert_int_eq(jsv_check(s, NULL, err, sizeof err), -1);
	ck_assert_str_eq(err, "at the root: no value to check");
	ck_assert_int_eq(jsv_supported(NULL, err, sizeof err), -1);
	json_decref(s);
	json_decref(v);
}
END_TEST

Suite *suite_jsv(void)
{
	Suite *s = suite_create("jsv");
	TCase *tc = tcase_create("jsv");
	tcase_add_loop_test(tc, test_check, 0, sizeof checks / sizeof checks[0]);
	tcase_add_test(tc, test_check_schemas_supported);
	tcase_add_loop_test(tc, test_supported, 0, sizeof schemas / sizeof schemas[0]);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_buffers);
	suite_add_tcase(s, tc);
	return s;
}
