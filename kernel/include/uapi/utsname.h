/*
 * uapi/utsname.h: struct new_utsname, what uname (122) fills in.
 * libc's struct utsname has the same layout.
 */
#ifndef AGORA_UAPI_UTSNAME_H
#define AGORA_UAPI_UTSNAME_H

#define NEW_UTS_LEN 64

struct new_utsname {
	char sysname[NEW_UTS_LEN + 1];
	char nodename[NEW_UTS_LEN + 1];
	char release[NEW_UTS_LEN + 1];
	char version[NEW_UTS_LEN + 1];
	char machine[NEW_UTS_LEN + 1];
	char domainname[NEW_UTS_LEN + 1];
};

__extension__ _Static_assert(sizeof(struct new_utsname) == 390, "new_utsname");

#endif
