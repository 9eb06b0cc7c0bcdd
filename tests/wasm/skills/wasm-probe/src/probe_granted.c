/* The same probe as a second module, for a tool with grants: its code is
 * identical, so the bake compiles it once (gen/wasmc.h). */
#include "probe.c"
