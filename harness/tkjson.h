/*
 * tkjson.h - the test kit's json-c readers, for tests that compare a
 * program with iproute2's `ip -j` (chapters 17 and 18): a member of an
 * object as text ("" when it is missing) or as a number (-1).
 * Link with -ljson-c.
 */
#ifndef TKJSON_H
#define TKJSON_H

#include <json-c/json.h>

static inline const char *j_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		json_object_get_string(v) : "";
}

static inline int j_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		json_object_get_int(v) : -1;
}

#endif
