/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files the API serves from memory: the dashboard (src/api/dashboard/) and
 * the OpenAPI document (docs/openapi.json), embedded at build time by
 * src/api/embed_assets.py.
 */
#ifndef HERKOMST_API_ASSETS_H
#define HERKOMST_API_ASSETS_H

#include <stddef.h>

struct api_asset {
	const char *path; /* URL path: "/", "/app.js", "/api/v1/openapi.json" */
	const char *type; /* Content-Type */
	size_t len;       /* bytes, without the terminating NUL */
	const char *body;
};

extern const struct api_asset api_assets[];
extern const size_t api_n_assets;

#endif
