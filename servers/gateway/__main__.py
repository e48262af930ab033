from servers.gateway.bootstrap import build
from servers.gateway.settings import Settings
from servers.kernel.server import main

main(Settings.from_env("gateway"), build)
