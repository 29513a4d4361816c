"""Planted secrets: every form a real log, dump or config carries a credential in, written into
every artifact kind, encoding and archive nesting, each with its own marker so a leak names its form.

`Planting.needle` is the part of the secret that must never appear in any output. The forms cover
the backends sccache supports (S3, R2, OSS, COS, GCS, Azure, Redis, memcached, WebDAV, GitHub
Actions) and the shapes that leaked before: headers, cookies, Basic credentials without a digit,
bare JWTs, connection strings, Rust Debug and XML, URL user-info holding `/` and `@`, values after
a space, `;`, `,` or a quote, values starting with `$` or `%`, misspelled names, PowerShell
Format-List pairs and wrapped table rows, and a private key whose END marker never comes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import string
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Planting:
    form: str
    lines: tuple[str, ...]  # the text planted (a form may span lines)
    needles: tuple[str, ...]  # what must never be shown


def _hex(tag: str) -> str:
    return hashlib.sha1(tag.encode()).hexdigest()


def _jwt(tag: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"sub": f"ci-{tag}", "iss": "actions"}).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiJ9.{payload}.sig{tag}Abc_def-ghiJKL"


# form name -> tag -> (lines, needles); a tag is letters only, unique per planting
FORMS: dict[str, Callable[[str], tuple[list[str], list[str]]]] = {
    "env-assignment": lambda t: ([f"AWS_SECRET_ACCESS_KEY=wJalr{t}XUtnFEMIK7MDENG"], [f"wJalr{t}XUtn"]),
    "value-after-space": lambda t: ([f"SCCACHE_REDIS_PASSWORD=correct horse {t}battery"], [f"{t}battery"]),
    "value-after-semicolon": lambda t: ([f"SCCACHE_WEBDAV_PASSWORD=abc;{t}semi9"], [f"{t}semi9"]),
    "value-after-comma": lambda t: ([f"CARGO_REGISTRY_TOKEN=abc,{t}comma9"], [f"{t}comma9"]),
    "value-after-quote": lambda t: ([f'SCCACHE_GHA_TOKEN=ab"{t}quote9'], [f"{t}quote9"]),
    "value-starting-with-dollar": lambda t: ([f"SCCACHE_MEMCACHED_PASSWORD=$dollar{t}x9"], [f"dollar{t}x9"]),
    "value-starting-with-percent": lambda t: ([f"SCCACHE_WEBDAV_TOKEN=%pct{t}x9"], [f"pct{t}x9"]),
    "misspelled-secret": lambda t: ([f"AWS_SECERT_ACCESS_KEY=missp{t}elled9"], [f"missp{t}elled9"]),
    "misspelled-password": lambda t: ([f"SCCACHE_REDIS_PASWORD=pasw{t}ord9"], [f"pasw{t}ord9"]),
    "cookie-header": lambda t: ([f"Cookie: session=ck{t}abc; theme=tm{t}dark"], [f"ck{t}abc", f"tm{t}dark"]),
    "set-cookie-header": lambda t: ([f"Set-Cookie: id=sc{t}xyz; Path=/; HttpOnly"], [f"sc{t}xyz"]),
    "basic-without-digit": lambda t: ([f"Authorization: Basic YWxhZGRp{t}bjpvcGVuc2VzYW1l"], [f"YWxhZGRp{t}bjpv"]),
    "basic-bare": lambda t: ([f"curl sent Basic YWxhZGRp{t}bjpvcGVuc2VzYW1l="], [f"YWxhZGRp{t}bjpv"]),
    "authorization-token-hex": lambda t: ([f"Authorization: token {_hex(t)}"], [_hex(t)]),
    "bearer-token": lambda t: ([f"header Bearer {t}Zm9vYmFyYmF6cXV4"], [f"{t}Zm9vYmFy"]),
    "bare-jwt": lambda t: ([f"runtime token {_jwt(t)} expired"], [f"sig{t}Abc"]),
    "azure-account-key": lambda t: (
        [f"DefaultEndpointsProtocol=https;AccountName=ci;AccountKey=Zm9v{t}YmFy/+==;EndpointSuffix=core.windows.net"],
        [f"Zm9v{t}YmFy"]),
    "azure-shared-access-key": lambda t: (
        [f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=sak{t}Q9="],
        [f"sak{t}Q9"]),
    "azure-sas": lambda t: ([f"GET https://ci.blob.core.windows.net/c/k?sv=2022-11-02&sig=sas{t}Q9%3D"], [f"sas{t}Q9"]),
    "rust-debug": lambda t: (
        [f'S3CacheConfig {{ bucket: "ci", secret_access_key: Some("rd{t}K7MDENG"), region: None }}'], [f"rd{t}K7MDENG"]),
    "xml-secret": lambda t: ([f"<SecretAccessKey>xml{t}K7MDENG</SecretAccessKey>"], [f"xml{t}K7MDENG"]),
    "url-password-with-slash-and-at": lambda t: ([f"proxy http://dev:pa/{t}@ss@proxy.example:8080/"], [f"{t}@ss"]),
    "url-token-as-user": lambda t: ([f"git fetch https://ghp{t}abcdefghijklmnop0123@github.com/o/r.git"],
                                    [f"ghp{t}abcdefghij"]),
    "redis-url": lambda t: ([f"SCCACHE_REDIS=redis://:rp{t}ss9@127.0.0.1:6379/0"], [f"rp{t}ss9"]),
    "memcached-url": lambda t: ([f"SCCACHE_MEMCACHED=tcp://ci:mc{t}pw9@127.0.0.1:11211"], [f"mc{t}pw9"]),
    "webdav-password": lambda t: ([f"SCCACHE_WEBDAV_PASSWORD=wd{t}pw9"], [f"wd{t}pw9"]),
    "s3-presigned-url": lambda t: ([f"GET https://b.s3.amazonaws.com/k?X-Amz-Date=1&X-Amz-Signature=sig{t}abc9"],
                                   [f"sig{t}abc9"]),
    "aws-access-key-id": lambda t: ([f"using key AKIA{(t.upper() + 'Q7Z3X9W2V8U4T6S5')[:16]} for s3"],
                                    [f"AKIA{(t.upper() + 'Q7Z3X9W2V8U4T6S5')[:16]}"]),
    "r2-session-token": lambda t: ([f"AWS_SESSION_TOKEN=r2{t}tok9"], [f"r2{t}tok9"]),
    "oss-access-key-id": lambda t: ([f"OSSAccessKeyId LTAI{t}5tGq7Xw2ZsKd9V"], [f"LTAI{t}5tGq"]),
    "oss-access-key-secret": lambda t: ([f"ALIBABA_CLOUD_ACCESS_KEY_SECRET=oss{t}Sec9"], [f"oss{t}Sec9"]),
    "oss-signed-url": lambda t: ([f"GET https://b.oss-cn-hangzhou.aliyuncs.com/k?Expires=1&Signature=oss{t}sig9"],
                                 [f"oss{t}sig9"]),
    "cos-secret-key": lambda t: ([f"TENCENTCLOUD_SECRETKEY=cos{t}key9"], [f"cos{t}key9"]),
    "cos-secret-id": lambda t: ([f"SecretId AKID{t}z8krbsJ5yKBZQpn74WFkm"], [f"AKID{t}z8kr"]),
    "gcs-private-key-json": lambda t: (
        [f'"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE{t}vQIBADANBgkqhkiG9w0\\n-----END PRIVATE KEY-----\\n"'],
        [f"MIIE{t}vQIB"]),
    "gcs-oauth-token": lambda t: ([f"token ya29.a0{t}AfH6SMBx3f9k2LmNpQrStUvWx"], [f"a0{t}AfH6"]),
    "gha-runtime-token": lambda t: ([f"ACTIONS_RUNTIME_TOKEN=gha{t}tok9"], [f"gha{t}tok9"]),
    "github-token": lambda t: ([f"pushed with ghs_{t}abcdefghijklmnopqrstuvwxyz0123"], [f"ghs_{t}abcdef"]),
    "toml-secret": lambda t: ([f'secret_access_key = "toml{t}key9"'], [f"toml{t}key9"]),
    "json-secret": lambda t: ([f'{{"password": "js{t}pw9", "bucket": "ci"}}'], [f"js{t}pw9"]),
    "pem-without-end": lambda t: (["-----BEGIN RSA PRIVATE KEY-----", f"MIIEpem{t}AKCAQEAx9", f"c2Vjb25k{t}bGluZQ"],
                                  [f"pem{t}AKCA", f"c2Vjb25k{t}"]),
    "powershell-format-list": lambda t: (["Name  : SCCACHE_AZURE_CONNECTION_STRING", f"Value : fl{t}value9"],
                                         [f"fl{t}value9"]),
    "powershell-wrapped-row": lambda t: ([f"AWS_SECRET_ACCESS_KEY          tw{t}aaaaaaaaaaaaaaaaaa",
                                          " " * 31 + f"wrap{t}tail9"], [f"tw{t}aaaa", f"wrap{t}tail9"]),
}

KINDS = ("sccache-log", "cargo-output", "env", "transcript")
ENCODINGS = ("utf-8", "utf-16le", "gbk")
NESTINGS = ("folder", "zip", "tar.gz", "zip-in-tar.gz")


def _tags() -> itertools.count:
    return itertools.count()


def tag_for(n: int) -> str:
    """A letters-only marker, unique per planting (`Qab`, `Qac`, …)."""
    letters = string.ascii_lowercase
    out = ""
    while True:
        out = letters[n % 26] + out
        n //= 26
        if n == 0:
            break
    return "Qx" + out.rjust(3, "a")


def plantings(start: int) -> list[Planting]:
    """Every form once, with markers from `start` on."""
    out = []
    for i, (form, make) in enumerate(FORMS.items()):
        lines, needles = make(tag_for(start + i))
        out.append(Planting(form, tuple(lines), tuple(needles)))
    return out


def artifact(kind: str, planted: list[Planting]) -> str:
    """One artifact of `kind` carrying every planting, the way that kind carries text."""
    if kind == "sccache-log":
        head = ["[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226"]
        body = []
        for n, p in enumerate(planted):
            body.append(f"[2026-11-21T05:23:{32 + n % 20:02d}Z ERROR sccache::server] request failed: {p.lines[0]}")
            body += list(p.lines[1:])
        return "\n".join(head + body + ["sccache: error: Timed out waiting for server startup"]) + "\n"
    if kind == "cargo-output":
        body = ["   Compiling demo v0.1.0 (/work/demo)"]
        for p in planted:
            body.append(f"error: failed to run custom build command for `demo v0.1.0`: {p.lines[0]}")
            body += list(p.lines[1:])
        return "\n".join(body + ["error: could not compile `demo` (lib) due to 1 previous error"]) + "\n"
    if kind == "env":
        body = []
        for p in planted:
            first = p.lines[0] if "=" in p.lines[0].split(" ")[0] else f"SCCACHE_NOTE={p.lines[0]}"
            body += [first, *p.lines[1:]]
        return "\n".join(["SCCACHE_BUCKET=ci-cache", *body]) + "\n"
    if kind == "transcript":
        body = ["PS C:\\work\\demo> cargo build"]
        for p in planted:
            body += [f"PS C:\\work\\demo> echo {p.lines[0]}", *p.lines[1:]]
        return "\r\n".join(body) + "\r\n"
    raise ValueError(kind)


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "gbk":
        return ("错误：构建失败\n" + text).encode("gbk")
    return text.encode("utf-8")


@dataclass
class PlantedBundle:
    path: Path
    encoding: str
    nesting: str
    plantings: list[Planting]

    @property
    def needles(self) -> list[str]:
        return [n for p in self.plantings for n in p.needles]


def _files(encoding: str, counter: list[int]) -> tuple[dict[str, bytes], list[Planting]]:
    files, planted = {}, []
    for kind in KINDS:
        batch = plantings(counter[0])
        counter[0] += len(batch)
        planted += batch
        files[f"{kind}.txt"] = encode(artifact(kind, batch), encoding)
    return files, planted


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def build(root: Path) -> list[PlantedBundle]:
    """One bundle per encoding and nesting under `root`, every planting's markers unique."""
    counter = [0]
    bundles = []
    for encoding in ENCODINGS:
        for nesting in NESTINGS:
            files, planted = _files(encoding, counter)
            name = f"{encoding}-{nesting}"
            if nesting == "folder":
                path = root / name
                path.mkdir(parents=True)
                for file, data in files.items():
                    (path / file).write_bytes(data)
            elif nesting == "zip":
                path = root / f"{name}.zip"
                path.write_bytes(_zip(files))
            elif nesting == "tar.gz":
                path = root / f"{name}.tar.gz"
                path.write_bytes(_tar_gz(files))
            else:
                path = root / f"{name}.tar.gz"
                path.write_bytes(_tar_gz({"inner.zip": _zip(files)}))
            bundles.append(PlantedBundle(path, encoding, nesting, planted))
    return bundles


def leaks(text: str, needles: list[str]) -> list[str]:
    return [n for n in needles if n in text]
