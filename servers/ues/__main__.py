from servers.kernel.server import main
from servers.ues.bootstrap import build
from servers.ues.settings import Settings

main(Settings.from_env("ues"), build)
