"""The official OSS SDK V2's half of `stream_object`: the same object up from a file and back
into one, against the same object server, timed here so that the interpreter's start is left
out.

    python stream_object.py ENDPOINT REGION ACCESS_KEY_ID SECRET SOURCE COPY

prints `RESULT upload_s=<seconds> download_s=<seconds>`. Needs alibabacloud-oss-v2
(benches/official/requirements.txt).
"""

import sys
import time

import alibabacloud_oss_v2 as oss


def main():
    endpoint, region, access_key_id, secret, source, copy = sys.argv[1:7]
    config = oss.config.load_default()
    config.credentials_provider = oss.credentials.StaticCredentialsProvider(
        access_key_id, secret
    )
    config.region = region
    # An IP endpoint: the SDK addresses the bucket in the path, as the object server expects.
    config.endpoint = endpoint
    client = oss.Client(config)

    started = time.perf_counter()
    client.put_object_from_file(
        oss.PutObjectRequest(bucket="bench", key="official-object"), source
    )
    upload = time.perf_counter() - started

    started = time.perf_counter()
    client.get_object_to_file(
        oss.GetObjectRequest(bucket="bench", key="official-object"), copy
    )
    download = time.perf_counter() - started
    print(f"RESULT upload_s={upload:.3f} download_s={download:.3f}")


if __name__ == "__main__":
    main()
