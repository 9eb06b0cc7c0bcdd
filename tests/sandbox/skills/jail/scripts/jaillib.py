"""The probes the jail tools run: each returns 'ok ...' or 'denied <exception>'."""
import os
import signal
import socket


def attempt(fn):
    try:
        return "ok %s" % (fn(),)
    except Exception as e:  # the type is what the tests read
        return "denied %s" % type(e).__name__


def home(*parts):
    return os.path.join(os.environ["HOME"], *parts)


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path):
    with open(path, "w") as f:
        f.write("planted\n")
    return path


def tcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", 1))
    finally:
        s.close()


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.sendto(b"x", ("127.0.0.1", 9))
    finally:
        s.close()


def unix_socket():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.close()
    return "unix"


def proc_pids():
    return [d for d in os.listdir("/proc") if d.isdigit()]


def environ_marker():
    """Look for the agent's environment through /proc: every readable hit."""
    hits = 0
    for pid in proc_pids():
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                if b"JAIL_MARKER=" in f.read():
                    hits += 1
        except OSError:
            pass
    return hits


def kill_victim():
    """SIGKILL a process outside the tool that the test started, found by its name."""
    for pid in proc_pids():
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                name = f.read().split(b"\0")[0]
        except OSError:
            continue
        if name == b"skillc-jail-victim":
            os.kill(int(pid), signal.SIGKILL)
            return "killed"
    raise LookupError("no victim")


def privileges():
    """no_new_privs, and the effective and permitted capability sets."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return "%s %s %s" % (fields["NoNewPrivs"], fields["CapEff"], fields["CapPrm"])


def io_uring():
    """io_uring_setup(1, params): a way to open sockets past a socket() filter."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)
    fd = libc.syscall(425, 1, params)
    if fd >= 0:
        os.close(fd)
        return "fd"
    return "errno %d" % ctypes.get_errno()


def clone3():
    """clone3(NULL, 0): EINVAL from the kernel, ENOSYS where a filter refuses it."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall(435, None, 0)
    return "errno %d" % ctypes.get_errno()


PROBES = {
    "privileges": privileges,
    "clone3": clone3,
    "io_uring": io_uring,
    "read_private": lambda: read(home("private", "secret.txt")),
    "read_granted": lambda: read(home("readable", "data.txt")),
    "write_home": lambda: write(home("escaped.txt")),
    "write_granted": lambda: write(home("writable", "out.txt")),
    "write_skill": lambda: write(os.path.join(os.environ["SKILL_DIR"], "planted.txt")),
    "write_tmp": lambda: write(os.path.join(os.environ["TMPDIR"], "t.txt")),
    "tmp": lambda: os.environ["TMPDIR"],
    "tcp": tcp,
    "udp": udp,
    "unix": unix_socket,
    "pid": os.getpid,
    "uid": lambda: "%d %d" % (os.getuid(), os.getgid()),
    "environ": environ_marker,
    "kill_victim": kill_victim,
}


def run(what):
    print(attempt(PROBES[what]))
