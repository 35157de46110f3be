"""The official OSS SDK V2's half of `transfer`: the same object up from a file by its
Uploader (multipart, in parallel parts) and back into one by its Downloader (ranged GETs in
parallel parts), with the same part size and parallelism, against the same object server,
timed here so that the interpreter's start is left out. CRC-64 checks are on, as by default.

    python transfer.py ENDPOINT REGION ACCESS_KEY_ID SECRET SOURCE COPY PART_SIZE PARALLEL

prints `RESULT upload_s=<seconds> download_s=<seconds>`. Needs alibabacloud-oss-v2
(benches/official/requirements.txt).
"""

import sys
import time

import alibabacloud_oss_v2 as oss


def main():
    endpoint, region, access_key_id, secret, source, copy = sys.argv[1:7]
    part_size, parallel = int(sys.argv[7]), int(sys.argv[8])
    config = oss.config.load_default()
    config.credentials_provider = oss.credentials.StaticCredentialsProvider(
        access_key_id, secret
    )
    config.region = region
    # An IP endpoint: the SDK addresses the bucket in the path, as the object server expects.
    config.endpoint = endpoint
    client = oss.Client(config)

    uploader = client.uploader(part_size=part_size, parallel_num=parallel)
    started = time.perf_counter()
    uploader.upload_file(
        oss.PutObjectRequest(bucket="bench", key="official-object"), source
    )
    upload = time.perf_counter() - started

    downloader = client.downloader(part_size=part_size, parallel_num=parallel)
    started = time.perf_counter()
    downloader.download_file(
        oss.GetObjectRequest(bucket="bench", key="official-object"), copy
    )
    download = time.perf_counter() - started
    print(f"RESULT upload_s={upload:.3f} download_s={download:.3f}")


if __name__ == "__main__":
    main()
