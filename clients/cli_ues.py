"""`paymesh ues ...` — UES key operations and audit from the command line.

    paymesh ues provision RECORD_WRAPPING kek-v2     # add material to the local key file (mode 600)
    paymesh ues rotate RECORD_WRAPPING kek-v2
    paymesh ues rewrap RECORD_WRAPPING [--batch-size 500]
    paymesh ues retire kek-v1
    paymesh ues keys | jobs | audit [--ticket P…] [--context-id ctx_…]
"""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path


def _key_file() -> Path:
    from servers.stack.components import home_dir

    return Path(os.environ.get("PAYMESH_UES_KEY_FILE") or home_dir(os.environ) / "ues" / "keys.json")


async def _ues(args) -> int:
    from clients.services import Mesh
    from paymesh.ues.v1 import ues_pb2 as pb, ues_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    if args.action == "provision":
        from servers.ues.keys import Purpose, provision

        provision(_key_file(), Purpose[args.purpose], args.key_id)
        print(f"provisioned {args.key_id} ({args.purpose}) in {_key_file()}")
        return 0
    mesh = Mesh({"ues": CommonSettings.from_env("cli").ues_addr}, traced=False)
    rid = f"cli-{uuid.uuid4()}"
    admin = mesh.ues_admin
    try:
        if args.action == "rotate":
            reply = await admin.RotateKey(api.RotateKeyRequest(purpose=pb.KeyPurpose.Value(f"KEY_PURPOSE_{args.purpose}"),
                                                               key_id=args.key_id, request_id=rid))
            print(f"active: {reply.key_version.key_id} v{reply.key_version.version}; previous: {reply.previous_key_version.key_id}")
        elif args.action == "retire":
            reply = await admin.RetireKeyVersion(api.RetireKeyVersionRequest(key_id=args.key_id, reason=args.reason, request_id=rid))
            print(f"retired {reply.key_version.key_id}")
        elif args.action == "rewrap":
            job = (await admin.StartRewrapJob(api.StartRewrapJobRequest(purpose=pb.KeyPurpose.Value(f"KEY_PURPOSE_{args.purpose}"),
                                                                         batch_size=args.batch_size, request_id=rid))).job
            print(f"{job.job_id}: {job.total_records} records {','.join(job.from_key_ids)} -> {job.target_key_id}")
        elif args.action == "keys":
            for v in (await admin.ListKeyVersions(api.ListKeyVersionsRequest(page_size=1000))).key_versions:
                print(f"{v.key_id:<24} {pb.KeyPurpose.Name(v.purpose):<28} v{v.version:<3} {pb.KeyState.Name(v.state):<24} "
                      f"{v.record_count:>10} records  {v.algorithm}")
        elif args.action == "jobs":
            for j in (await admin.ListRewrapJobs(api.ListRewrapJobsRequest())).jobs:
                print(f"{j.job_id} {pb.RewrapJobState.Name(j.state):<26} {j.done_records}/{j.total_records} failed {j.failed_records}"
                      f" {j.error_message}")
        else:
            reply = await admin.ListAuditRecords(api.ListAuditRecordsRequest(ticket=args.ticket, context_id=args.context_id, page_size=100))
            for a in reply.records:
                print(f"{a.create_time.ToJsonString()} {pb.AuditAction.Name(a.action):<26} {a.client_id:<12} {a.ticket:<34} "
                      f"{'ok' if a.allowed else 'DENIED ' + a.reason} {a.context_id}")
        return 0
    finally:
        await mesh.close()


def register(sub) -> None:
    ues = sub.add_parser("ues", help="UES keys, rewrap jobs and audit")
    usub = ues.add_subparsers(dest="action", required=True)
    purposes = ["RECORD_WRAPPING", "DIGEST", "RSA"]
    for name, text in (("provision", "add key material to the local key file"), ("rotate", "activate a new key version")):
        p = usub.add_parser(name, help=text)
        p.add_argument("purpose", choices=purposes)
        p.add_argument("key_id")
    retire = usub.add_parser("retire", help="retire a key version (blocks decryption under it)")
    retire.add_argument("key_id")
    retire.add_argument("--reason", default="")
    rewrap = usub.add_parser("rewrap", help="move records to the active key version")
    rewrap.add_argument("purpose", choices=["RECORD_WRAPPING", "RSA"])
    rewrap.add_argument("--batch-size", type=int, default=0)
    usub.add_parser("keys", help="list key versions")
    usub.add_parser("jobs", help="list rewrap jobs")
    audit = usub.add_parser("audit", help="query the audit log")
    audit.add_argument("--ticket", default="")
    audit.add_argument("--context-id", default="")
    ues.set_defaults(func=lambda a: asyncio.run(_ues(a)))
