#include "wasi.h"

#include <string.h>

#define P1 "wasi_snapshot_preview1"

/* Sorted by module, then name. */
const struct wasi_import wasi_imports[] = {
	{"skillc", "http_request", "iiiii)i"},
	{P1, "args_get", "ii)i"},
	{P1, "args_sizes_get", "ii)i"},
	{P1, "clock_res_get", "ii)i"},
	{P1, "clock_time_get", "iIi)i"},
	{P1, "environ_get", "ii)i"},
	{P1, "environ_sizes_get", "ii)i"},
	{P1, "fd_advise", "iIIi)i"},
	{P1, "fd_close", "i)i"},
	{P1, "fd_datasync", "i)i"},
	{P1, "fd_fdstat_get", "ii)i"},
	{P1, "fd_fdstat_set_flags", "ii)i"},
	{P1, "fd_filestat_get", "ii)i"},
	{P1, "fd_filestat_set_size", "iI)i"},
	{P1, "fd_pread", "iiiIi)i"},
	{P1, "fd_prestat_dir_name", "iii)i"},
	{P1, "fd_prestat_get", "ii)i"},
	{P1, "fd_pwrite", "iiiIi)i"},
	{P1, "fd_read", "iiii)i"},
	{P1, "fd_readdir", "iiiIi)i"},
	{P1, "fd_seek", "iIii)i"},
	{P1, "fd_sync", "i)i"},
	{P1, "fd_tell", "ii)i"},
	{P1, "fd_write", "iiii)i"},
	{P1, "path_create_directory", "iii)i"},
	{P1, "path_filestat_get", "iiiii)i"},
	{P1, "path_open", "iiiiiIIii)i"},
	{P1, "path_readlink", "iiiiii)i"},
	{P1, "path_remove_directory", "iii)i"},
	{P1, "path_rename", "iiiiii)i"},
	{P1, "path_unlink_file", "iii)i"},
	{P1, "poll_oneoff", "iiii)i"},
	{P1, "proc_exit", "i)"},
	{P1, "random_get", "ii)i"},
	{P1, "sched_yield", ")i"},
};
const size_t wasi_n_imports = sizeof wasi_imports / sizeof wasi_imports[0];

const struct wasi_import *wasi_find(const char *module, size_t module_len, const char *name,
				    size_t name_len)
{
	for (size_t i = 0; i < wasi_n_imports; i++) {
		const struct wasi_import *w = &wasi_imports[i];
		if (strlen(w->module) == module_len && !memcmp(w->module, module, module_len) &&
		    strlen(w->name) == name_len && !memcmp(w->name, name, name_len))
			return w;
	}
	return NULL;
}
