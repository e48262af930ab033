import ctypes
import ctypes.util

from servers.kernel.server import main
from servers.ufs.bootstrap import build
from servers.ufs.settings import Settings

try:  # S3 I/O runs on many threads: cap glibc's per-thread malloc arenas so RSS stays bounded
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallopt(-8, 2)  # M_ARENA_MAX = 2
    # Upload parts (≥ 4 MiB) always come from mmap and go back to the OS when freed; a fixed
    # threshold also stops glibc raising it after the first free (then 8 MiB parts would fragment
    # the heap and RSS would creep with every file). 1 MiB download chunks stay on the heap: an
    # mmap + page faults + munmap per chunk tripled the CPU per downloaded byte.
    libc.mallopt(-3, 4 * 1024 * 1024)  # M_MMAP_THRESHOLD
except (OSError, AttributeError):
    pass

main(Settings.from_env("ufs"), build)
