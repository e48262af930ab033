"""`paymesh ufs ...` — provision UFS clients: create, set or rotate a password, bind bucket
aliases, choose the default bucket, disable/enable, show, reap expired share files.
Passwords are read from a prompt or stdin, never from the command line."""
from __future__ import annotations

import asyncio
import getpass
import sys
import uuid


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass("password: ")


async def _ufs(args) -> int:
    from clients.channel import error_reason
    from clients.services import Mesh
    from paymesh.ufs.v1 import ufs_pb2 as pb, ufs_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    import grpc

    mesh = Mesh({"ufs": CommonSettings.from_env("cli").ufs_addr}, traced=False)
    rid = args.request_id or f"cli-{uuid.uuid4()}"
    admin = mesh.ufs_admin
    try:
        if args.action == "create-client":
            password = _password(args) if args.set_password else ""
            reply = await admin.CreateClient(api.CreateClientRequest(client_id=args.client_id, display_name=args.display_name,
                                                                     password=password, request_id=rid, auth_user=args.auth_user))
            if reply.generated_password:
                print(f"generated password (shown once): {reply.generated_password}")
        elif args.action == "set-password":
            reply = await admin.SetClientPassword(api.SetClientPasswordRequest(client_id=args.client_id, password=_password(args),
                                                                               request_id=rid))
        elif args.action == "rotate-password":
            reply = await admin.RotateClientPassword(api.RotateClientPasswordRequest(client_id=args.client_id, request_id=rid))
            if reply.new_password:
                print(f"new password (shown once): {reply.new_password}")
        elif args.action == "bind":
            reply = await admin.BindBucketAlias(api.BindBucketAliasRequest(client_id=args.client_id, bucket_alias=args.alias,
                                                                           bucket_name=args.bucket, request_id=rid))
        elif args.action == "default-bucket":
            reply = await admin.SetDefaultBucket(api.SetDefaultBucketRequest(client_id=args.client_id, bucket_alias=args.alias,
                                                                             request_id=rid))
        elif args.action in ("disable", "enable"):
            call = admin.DisableClient if args.action == "disable" else admin.EnableClient
            request = (api.DisableClientRequest if args.action == "disable" else api.EnableClientRequest)(client_id=args.client_id,
                                                                                                         request_id=rid)
            reply = await call(request)
        elif args.action == "reap":
            reply = await admin.ReapExpiredFiles(api.ReapExpiredFilesRequest(max_files=args.max_files, dry_run=args.dry_run, request_id=rid))
            print(f"reaped {reply.reaped_count}, failed {reply.failed_count}, more remaining: {reply.more_remaining}")
            return 0
        else:
            reply = await admin.GetClient(api.GetClientRequest(client_id=args.client_id))
        c = reply.client
        buckets = ", ".join(f"{b.bucket_alias}={b.bucket_name}" for b in c.buckets) or "-"
        print(f"{c.client_id}: {pb.ClientState.Name(c.state)} "
              f"default={c.default_bucket_alias or '-'} buckets: {buckets}")
        return 0
    except grpc.aio.AioRpcError as exc:
        print(f"ufs: {exc.code().name} {error_reason(exc)}: {exc.details()}", file=sys.stderr)
        return 1
    finally:
        await mesh.close()


def register(sub) -> None:
    ufs = sub.add_parser("ufs", help="UFS client provisioning")
    usub = ufs.add_subparsers(dest="action", required=True)

    def cmd(name: str, help_text: str, *positional: str):
        p = usub.add_parser(name, help=help_text)
        for arg in positional:
            p.add_argument(arg)
        p.add_argument("--request-id", default="")
        return p

    create = cmd("create-client", "create a client (password generated unless --set-password)", "client_id")
    create.add_argument("--display-name", default="")
    create.add_argument("--auth-user", default="", help="Basic-auth user name (default: the client id)")
    create.add_argument("--set-password", action="store_true", help="prompt for the password (or read it from stdin)")
    create.add_argument("--password-stdin", action="store_true")
    setpw = cmd("set-password", "set a client's password (prompted or from stdin)", "client_id")
    setpw.add_argument("--password-stdin", action="store_true")
    cmd("rotate-password", "replace a client's password with a new random one", "client_id")
    cmd("bind", "bind an S3 bucket to a client under an alias", "client_id", "alias", "bucket")
    cmd("default-bucket", "choose the bucket used without x-ufs-bucket-alias", "client_id", "alias")
    cmd("disable", "refuse a client's requests", "client_id")
    cmd("enable", "accept a disabled client again", "client_id")
    cmd("show", "show a client", "client_id")
    reap = cmd("reap", "delete expired, un-adopted share files now")
    reap.add_argument("--max-files", type=int, default=0)
    reap.add_argument("--dry-run", action="store_true")
    ufs.set_defaults(func=lambda a: asyncio.run(_ufs(a)))
