from servers.kernel.server import main
from servers.ufs.bootstrap import build
from servers.ufs.settings import Settings

main(Settings.from_env("ufs"), build)
