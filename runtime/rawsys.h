/*
 * rawsys.h - system calls that touch no libc state.
 *
 * A confined tool is started by a waiter that shares the agent's memory
 * (clone3 with CLONE_VM, as posix_spawn does, so no page tables are copied
 * for it). That waiter runs beside the agent's own threads and shares the
 * calling thread's TLS, so it must not write errno or take libc locks:
 * rs_sys returns -errno and nothing else.
 *
 * RS_CLONE3 is defined where rs_clone3 exists (x86-64 and arm64); elsewhere
 * the spawner copies the agent (fork) and rs_sys goes through libc.
 */
#ifndef RS_RAWSYS_H
#define RS_RAWSYS_H
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define RS_CLONE3 1
#else
long rs_sys_libc(long n, long a, long b, long c, long d, long e);
#endif

static inline long rs_sys(long n, long a, long b, long c, long d, long e)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory", "cc");
	return x0;
#else
	return rs_sys_libc(n, a, b, c, d, e);
#endif
}

/* struct clone_args of <linux/sched.h>, version 0 (64 bytes): fixed ABI. */
struct rs_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

#define RS_CLONE_CLEAR_SIGHAND 0x100000000ull

/*
 * clone3(args): the child runs fn(arg) on args->stack and exits with what
 * it returns. Returns the child's pid to the caller, or -errno (-ENOSYS
 * where there is no RS_CLONE3).
 */
long rs_clone3(struct rs_clone_args *args, size_t size, int (*fn)(void *), void *arg);

#endif
