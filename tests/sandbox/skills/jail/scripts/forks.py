"""Start 16 processes at once and count how many could not be started."""
import os
import time


def main():
    started, refused = [], 0
    for _ in range(16):
        try:
            pid = os.fork()
        except OSError:
            refused += 1
            continue
        if pid == 0:
            time.sleep(5)
            os._exit(0)
        started.append(pid)
    for pid in started:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    print("started %d refused %d" % (len(started), refused))


if __name__ == "__main__":
    main()
