from servers.kernel.server import main
from servers.channel.bootstrap import build
from servers.channel.settings import Settings

main(Settings.from_env("channel"), build)
