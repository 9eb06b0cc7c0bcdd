/*
 * rawsys.c - clone3 with a function to run on the child's stack
 * (rawsys.h).
 *
 * The child returns from the system call on a stack of its own, so it
 * cannot come back into the C function that asked for it: a few
 * instructions call fn(arg) there and exit with its result.
 */
#define _GNU_SOURCE
#include "rawsys.h"

#include <errno.h>
#include <unistd.h>

#if defined(__x86_64__)
/* rdi args, rsi size, rdx fn, rcx arg; r8 and r9 survive the syscall. */
__asm__(".pushsection .text\n"
	".globl rs_clone3\n"
	".type rs_clone3,@function\n"
	"rs_clone3:\n"
	"	mov %rdx, %r8\n"
	"	mov %rcx, %r9\n"
	"	mov $435, %eax\n" /* __NR_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n" /* __NR_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size rs_clone3, .-rs_clone3\n"
	".popsection\n");
#elif defined(__aarch64__)
/* x0 args, x1 size, x2 fn, x3 arg; only x0 changes across svc. */
__asm__(".pushsection .text\n"
	".globl rs_clone3\n"
	".type rs_clone3,%function\n"
	"rs_clone3:\n"
	"	mov x8, #435\n" /* __NR_clone3 */
	"	svc #0\n"
	"	cbnz x0, 1f\n"
	"	mov x29, xzr\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x8, #93\n" /* __NR_exit */
	"	svc #0\n"
	"	brk #0\n"
	"1:	ret\n"
	".size rs_clone3, .-rs_clone3\n"
	".popsection\n");
#else
long rs_clone3(struct rs_clone_args *args, size_t size, int (*fn)(void *), void *arg)
{
	(void)args;
	(void)size;
	(void)fn;
	(void)arg;
	return -ENOSYS;
}

long rs_sys_libc(long n, long a, long b, long c, long d, long e)
{
	long r = syscall(n, a, b, c, d, e);
	return r < 0 ? -errno : r;
}
#endif
