"""Windows captures as people take them in PowerShell 5.1 (`>` writes UTF-16LE with a BOM and CRLF):
the process list without a `Name` property, and `Get-NetTCPConnection` as a table and as a list."""

from __future__ import annotations

from tests.parsers.support import FIXTURES, assert_read_cleanly, read


def test_cim_process_list_without_name_is_read_as_processes():
    # Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,CommandLine | Format-List
    artifact = assert_read_cleanly(FIXTURES / "processes" / "ps-cim-no-name-format-list.txt", "processes", 5)
    assert artifact.encoding == "utf-16-le-bom"
    rows = {r.get("pid"): r.field_map for r in artifact.records}
    assert rows["10244"]["name"] == "sccache.exe"  # named from its command line
    assert rows["10244"]["ppid"] == "9876"
    assert rows["9876"]["cmdline"].endswith("rustc.exe\" -vV")
    assert rows["7420"]["cmdline"].endswith("check -p api-server")  # the wrapped value joined again
    assert "name" not in rows["4"] or not rows["4"]["name"]


def test_nettcpconnection_table_is_read_as_sockets():
    artifact = assert_read_cleanly(FIXTURES / "sockets" / "get-nettcpconnection-table.txt", "sockets", 3)
    first = artifact.records[0].field_map
    assert first == {"proto": "tcp", "local_addr": "127.0.0.1", "local_port": "52188", "remote_addr": "127.0.0.1",
                     "remote_port": "4226", "state": "SYN_SENT", "pid": "9876"}
    listen = artifact.records[2].field_map
    assert (listen["state"], listen["local_port"], listen["pid"]) == ("LISTEN", "135", "1012")  # blank AppliedSetting


def test_nettcpconnection_list_agrees_with_the_table():
    artifact = assert_read_cleanly(FIXTURES / "sockets" / "get-nettcpconnection-format-list.txt", "sockets", 2)
    records = artifact.records
    assert records[0].field_map["state"] == "SYN_SENT" and records[0].field_map["remote_port"] == "4226"
    assert (records[0].line, records[0].end_line) == (3, 11)
    assert records[1].field_map["state"] == "LISTEN" and records[1].field_map["pid"] == "1012"


def test_windows_fact_from_the_socket_capture():
    artifact = read(FIXTURES / "sockets" / "get-nettcpconnection-table.txt")
    assert ("os", "windows") in {(f.name, f.value) for f in artifact.facts}
