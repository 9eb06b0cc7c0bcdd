#include "extract.h"

void ex_script(struct ex_ctx *cx, struct sk_tool *tool, const char *src, size_t len)
{
	switch (tool->lang) {
	case SK_LANG_PYTHON:
		ex_python(cx, tool, src, len);
		break;
	case SK_LANG_BASH:
		ex_bash(cx, tool, src, len);
		break;
	case SK_LANG_JS:
		ex_js(cx, tool, src, len);
		break;
	case SK_LANG_NONE:
		break;
	}
}
