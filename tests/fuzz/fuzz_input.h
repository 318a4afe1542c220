/* fuzz_input.h - the fuzzer's input as a disk: a memfd holding exactly
 * its bytes, so a short input is a short disk and reads past its end come
 * back short, as from a real device. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_disk(const uint8_t *data, size_t size)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzzdisk", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return fd;
}

#endif
