"""The sockets parser through read_bundle: decoding, sniffing and parsing together."""


import pytest

from analyzer.ingest import read_bundle
from analyzer.records import Problem
from tests.parsers.support import FIXTURES as FIXTURE_ROOT
from tests.parsers.support import OTHER_KINDS, SEED, assert_not_claimed, assert_read_cleanly, read

FIXTURES = FIXTURE_ROOT / "sockets"


@pytest.mark.parametrize("name, rows", [
    ("win-netstat-ano-en.txt", 11), ("win-netstat-an.txt", 11), ("win-netstat-ano-zh.txt", 6),
    ("linux-ss-tanp.txt", 5), ("linux-netstat-tanp.txt", 5), ("macos-netstat-an.txt", 8),
])
def test_each_format_is_sniffed_and_read_without_problems(name, rows):
    assert_read_cleanly(FIXTURES / name, "sockets", rows)


@pytest.mark.parametrize("name, text", sorted(OTHER_KINDS.items()))
def test_other_kinds_are_not_claimed(tmp_path, name, text):
    assert_not_claimed(tmp_path, name, text, "sockets")


def test_chinese_netstat_gives_syn_sent_row_and_locale():
    artifact = read(FIXTURES / "win-netstat-ano-zh.txt")
    assert artifact.encoding == "gbk"
    syn = [r for r in artifact.records if r.get("state") == "SYN_SENT"][0]
    assert syn.field_map == {"proto": "tcp", "state": "SYN_SENT", "pid": "15320", "local_addr": "127.0.0.1",
                             "local_port": "52188", "remote_addr": "127.0.0.1", "remote_port": "4226"}
    assert syn.line == 7
    assert {(f.name, f.value) for f in artifact.facts} == {("os", "windows"), ("locale", "zh-CN")}


def test_windows_states_ipv6_and_udp():
    records = read(FIXTURES / "win-netstat-ano-en.txt").records
    assert records[0].get("state") == "LISTEN"
    v6 = [r for r in records if r.get("local_addr") == "::1"][0]
    assert (v6.get("local_port"), v6.get("remote_addr"), v6.get("remote_port")) == ("4226", "::", "0")
    udp = [r for r in records if r.get("proto") == "udp"][0]
    assert (udp.get("state"), udp.get("remote_addr"), udp.get("pid")) == ("", "*", "1296")


def test_netstat_without_pid_column():
    records = read(FIXTURES / "win-netstat-an.txt").records
    assert all(r.get("pid") is None for r in records)


def test_ss_process_and_states():
    artifact = read(FIXTURES / "linux-ss-tanp.txt")
    first = artifact.records[0]
    assert first.field_map == {"proto": "tcp", "state": "LISTEN", "recv_q": "0", "send_q": "5", "pid": "9038",
                               "process": "sccache", "local_addr": "127.0.0.1", "local_port": "4226",
                               "remote_addr": "0.0.0.0", "remote_port": "*"}
    assert [r.get("state") for r in artifact.records].count("ESTABLISHED") == 2
    assert artifact.records[-1].get("local_addr") == "::1"
    assert ("os", "linux") in {(f.name, f.value) for f in artifact.facts}


def test_linux_netstat_program_column():
    records = read(FIXTURES / "linux-netstat-tanp.txt").records
    assert (records[0].get("pid"), records[0].get("process"), records[0].get("state")) == ("9038", "sccache", "LISTEN")
    assert records[1].get("pid") is None
    assert records[-1].get("local_addr") == "::1"


def test_macos_dotted_ports_and_unix_section_skipped():
    artifact = read(FIXTURES / "macos-netstat-an.txt")
    listen = [r for r in artifact.records if r.get("state") == "LISTEN"]
    assert [(r.get("local_addr"), r.get("local_port")) for r in listen] == [("127.0.0.1", "4226"), ("::1", "4226"), ("*", "22")]
    assert ("os", "macos") in {(f.name, f.value) for f in artifact.facts}


def test_ss_dash_states_are_normalised(tmp_path):
    path = tmp_path / "ss.txt"
    path.write_text("State    Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
                    "SYN-SENT 0      1          127.0.0.1:40112    127.0.0.1:4226 users:((\"sccache\",pid=9120,fd=3))\n"
                    "TIME-WAIT 0     0          127.0.0.1:40100    127.0.0.1:4226\n")
    assert [r.get("state") for r in read(path).records] == ["SYN_SENT", "TIME_WAIT"]


def test_file_cut_mid_row_keeps_complete_rows(tmp_path):
    data = (FIXTURES / "win-netstat-ano-en.txt").read_bytes()
    cut = data[: data.index(b"127.0.0.1:7897") + 6]
    path = tmp_path / "netstat.txt"
    path.write_bytes(cut)
    artifact = read(path)
    assert artifact.kind == "sockets"
    assert artifact.record_count == 5
    assert len(artifact.problems) <= 1


def test_garbage_after_a_header_is_a_problem_not_an_exception(tmp_path):
    path = tmp_path / "netstat.txt"
    path.write_text("Active Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n"
                    + "\n".join(f"@@@ {i} nothing here ###" for i in range(40)) + "\n")
    artifact = read(path)
    assert artifact.record_count == 0
    assert len(artifact.problems) == 1 and "gave up" in artifact.problems[0].reason
    assert isinstance(artifact.problems[0], Problem)


def test_seed_netstat_is_sockets():
    bundle = read_bundle([str(SEED)])
    kinds = {a.path: a.kind for a in bundle.artifacts}
    assert kinds["netstat.txt"] == "sockets"
