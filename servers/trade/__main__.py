from servers.kernel.server import main
from servers.trade.bootstrap import build
from servers.trade.settings import Settings

main(Settings.from_env("trade"), build)
