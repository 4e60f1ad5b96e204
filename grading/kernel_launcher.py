"""Start a grading kernel under limits, as its parent: ``python -I -S kernel_launcher.py BYTES -- CMD...``.

(``kernel_launcher.py exec-ignoring-interrupts -- CMD...`` runs CMD, a sandbox
around the launcher, with SIGINT ignored: see :func:`grading.sandbox.wrap`.)

:class:`grading.preprocessors.TraineeKernelManager` puts this in front of the
kernel's command when the grader executes a trainee's notebook.  It

* caps the kernel's address space at ``BYTES`` (``RLIMIT_AS``, soft and hard;
  0 means no cap), so a memory flood ends in a ``MemoryError`` in the kernel,
  not in the grading server's out-of-memory killer;
* stays the kernel's parent: a kernel that signals its parent process
  (``os.kill(os.getppid(), 9)``) stops this launcher, not the grader, and the
  kernel dies with it (``PR_SET_PDEATHSIG``); the grader sees a dead kernel;
  and if the grading process dies, the launcher and its kernel die with it;
* passes jupyter_client's signals through: an interrupt (SIGINT, sent to the
  whole process group) reaches the kernel and is ignored here; SIGTERM and
  SIGHUP are forwarded; the launcher exits as the kernel did.

Standard library only, run with ``-I -S``: nothing of the course, the
submission or the working directory is imported here.
"""
import ctypes
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1
#: Arguments for every kernel the course starts itself (grading kernels, the simulated cohort's): they
#: listen on loopback only, and ipykernel's warning that TCP is unencrypted, once per kernel, buried
#: what `make demo` prints; errors are still logged.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


def main(argv):
    if argv[:2] == ["exec-ignoring-interrupts", "--"] and len(argv) > 2:
        # a sandbox (grading/sandbox.py) in front of this launcher: it must outlive the interrupts
        # meant for the kernel; the launcher inside it gives the kernel back the default handler
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.execvp(argv[2], argv[2:])
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: kernel_launcher.py BYTES -- COMMAND...\n")
        return 2
    limit, command = int(argv[0]), argv[2:]
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    parent = os.getpid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # before the fork: no window where an interrupt kills us
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # a grading process that dies leaves no kernel behind
    child = os.fork()
    if child == 0:
        try:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the launcher died before prctl took effect
                os._exit(1)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # an ignored signal would stay ignored after exec
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    def forward(signum, frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            return 1
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed by a signal: end the same way
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
