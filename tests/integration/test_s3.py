"""The local S3 (SeaweedFS) answers the minio SDK with the stack's credentials."""
import io

from minio import Minio


def test_put_get_with_metadata(infra, unique):
    client = Minio(infra["PAYMESH_S3_ENDPOINT"], access_key=infra["PAYMESH_S3_ACCESS_KEY"],
                   secret_key=infra["PAYMESH_S3_SECRET_KEY"], secure=False)
    bucket = unique("b").replace("_", "-")
    client.make_bucket(bucket)
    client.put_object(bucket, "demo/hello.txt", io.BytesIO(b"hello"), 5, metadata={"x-amz-meta-check-sum": "abc"})
    assert client.get_object(bucket, "demo/hello.txt").read() == b"hello"
    assert client.stat_object(bucket, "demo/hello.txt").metadata["x-amz-meta-check-sum"] == "abc"
