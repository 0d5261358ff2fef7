// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_compat32: runs compat32 (the chrdev ABI from a 32-bit process, see
 * compat32.c), which it carries inside: the i386 binary is embedded at
 * build time, written to a memfd and executed.  Reports a skip when the
 * kernel cannot run i386 programs (no CONFIG_IA32_EMULATION, as in the
 * debug kernel) or when no 32-bit toolchain built the payload.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kt.h"

#ifdef KT_C32_PATH
__asm__(".section .rodata\n"
	".balign 16\n"
	"kt_c32_start:\n"
	".incbin \"" KT_C32_PATH "\"\n"
	"kt_c32_end:\n"
	".previous\n");
extern const char kt_c32_start[] __asm__("kt_c32_start");
extern const char kt_c32_end[] __asm__("kt_c32_end");
#endif

int main(void)
{
#ifdef KT_C32_PATH
	static char *const argv[] = { "test_compat32-i386", NULL };
	extern char **environ;
	size_t len = kt_c32_end - kt_c32_start;
	int fd;

	fd = memfd_create("compat32", MFD_CLOEXEC);
	if (fd < 0 || write(fd, kt_c32_start, len) != (ssize_t)len) {
		kt_init("test_compat32");
		kt_bail("memfd: %s", strerror(errno));
	}
	fflush(stdout);
	fexecve(fd, argv, environ);
	kt_init("test_compat32");
	if (errno == ENOEXEC) {
		kt_skip("the kernel cannot run i386 programs (no IA32_EMULATION)",
			"32-bit compat ABI");
		return kt_done();
	}
	kt_bail("fexecve: %s", strerror(errno));
#else
	kt_init("test_compat32");
	kt_skip("no 32-bit toolchain (gcc-multilib) at build time",
		"32-bit compat ABI");
	return kt_done();
#endif
}
