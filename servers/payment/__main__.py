from servers.kernel.server import main
from servers.payment.bootstrap import build
from servers.payment.settings import Settings

main(Settings.from_env("payment"), build)
