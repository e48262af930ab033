import ctypes
import ctypes.util

from servers.kernel.server import main
from servers.ufs.bootstrap import build
from servers.ufs.settings import Settings

try:  # S3 I/O runs on many threads: cap glibc's per-thread malloc arenas so RSS stays bounded
    ctypes.CDLL(ctypes.util.find_library("c")).mallopt(-8, 2)  # M_ARENA_MAX = 2
except (OSError, AttributeError):
    pass

main(Settings.from_env("ufs"), build)
