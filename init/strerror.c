/* strerror.c - the messages of the errors /init meets, for its 64 KiB.
 *
 * klibc's strerror carries the text of all 133 errno values (4 KB, a
 * sixteenth of /init).  This one has the ~50 that mounting, loading
 * modules, devices, sockets and processes can give, with klibc's own
 * words, and says "error N" for the rest as klibc does for what it does
 * not know.  Only /init links it; the helpers keep klibc's. */
#include <stdio.h>
#include <string.h>

/* Each entry: the errno as one byte, then its text and a NUL. */
static const char texts[] =
	"\001Operation not permitted\0"
	"\002No such file or directory\0"
	"\003No such process\0"
	"\004Interrupted system call\0"
	"\005I/O error\0"
	"\006No such device or address\0"
	"\007Argument list too long\0"
	"\010Exec format error\0"
	"\011Bad file number\0"
	"\012No child processes\0"
	"\013Try again\0"
	"\014Out of memory\0"
	"\015Permission denied\0"
	"\016Bad address\0"
	"\017Block device required\0"
	"\020Device or resource busy\0"
	"\021File exists\0"
	"\022Cross-device link\0"
	"\023No such device\0"
	"\024Not a directory\0"
	"\025Is a directory\0"
	"\026Invalid argument\0"
	"\027File table overflow\0"
	"\030Too many open files\0"
	"\031Not a typewriter\0"
	"\032Text file busy\0"
	"\033File too large\0"
	"\034No space left on device\0"
	"\035Illegal seek\0"
	"\036Read-only file system\0"
	"\037Too many links\0"
	"\040Broken pipe\0"
	"\042Math result not representable\0"
	"\044File name too long\0"
	"\046Invalid system call number\0"
	"\047Directory not empty\0"
	"\050Too many symbolic links encountered\0"
	"\075No data available\0"
	"\112Not a data message\0"
	"\113Value too large for defined data type\0"
	"\131Destination address required\0"
	"\135Protocol not supported\0"
	"\137Operation not supported on transport endpoint\0"
	"\142Address already in use\0"
	"\145Network is unreachable\0"
	"\151No buffer space available\0"
	"\156Connection timed out\0"
	"\157Connection refused\0"
	"\161No route to host\0"
	"\165Structure needs cleaning\0"
	"\173No medium found\0"
	"\174Wrong medium type\0"
	"\176Required key not available\0"
	"\201Key was rejected by service\0";

char *strerror(int err)
{
	static char unknown[16];
	const char *p;

	for (p = texts; p < texts + sizeof(texts) - 1; p += strlen(p) + 1)
		if ((unsigned char)*p == err)
			return (char *)p + 1;
	snprintf(unknown, sizeof(unknown), "error %d", err);
	return unknown;
}
