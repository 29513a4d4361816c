from analyzer.textnum import parse_uint


def test_only_short_ascii_digit_strings_are_numbers():
    assert parse_uint("4226") == 4226
    assert parse_uint("0") == 0
    for text in ["", None, "\u00b2", "\u0663", "12a", "-1", " 1", "9" * 19, "9" * 5000]:
        assert parse_uint(text) is None, text
