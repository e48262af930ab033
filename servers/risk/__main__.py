from servers.kernel.server import main
from servers.risk.bootstrap import build
from servers.risk.settings import Settings

main(Settings.from_env("risk"), build)
