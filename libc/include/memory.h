/* memory.h: old name for <string.h>. */
#include <string.h>
