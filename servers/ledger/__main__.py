from servers.kernel.server import main
from servers.ledger.bootstrap import build
from servers.ledger.settings import Settings

main(Settings.from_env("ledger"), build)
