"""systemd's reading of an EnvironmentFile= (systemd.exec(5); parse_env_file_internal() in
src/basic/env-file.c of systemd 252, Debian 12's), for the tests: the same states and escapes."""

import re

WHITESPACE = " \t\r"
NEWLINES = "\n\r"
SHELL_NEED_ESCAPE = '"\\`$'
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_environment_file(text):
    """{name: value} as systemd passes them to a service; invalid names are dropped."""
    result = {}
    state, key, value, last_kept = "pre_key", "", "", 0

    def push():
        name = key.rstrip(WHITESPACE)
        if NAME.fullmatch(name):
            result[name] = value

    for char in text:
        if state == "pre_key":
            if char in "#;":
                state = "comment"
            elif char not in WHITESPACE + NEWLINES:
                state, key = "key", char
        elif state == "key":
            if char in NEWLINES:
                state = "pre_key"  # a line without "=" is ignored
            elif char == "=":
                state, value, last_kept = "pre_value", "", 0
            else:
                key += char
        elif state == "pre_value":
            if char in NEWLINES:
                state = "pre_key"
                push()
            elif char == "'":
                state = "single_quote"
            elif char == '"':
                state = "double_quote"
            elif char == "\\":
                state = "value_escape"
            elif char not in WHITESPACE:
                state, value = "value", value + char
                last_kept = len(value)
        elif state == "value":
            if char in NEWLINES:
                state = "pre_key"
                value = value[:last_kept]  # trailing whitespace, unless escaped, goes
                push()
            elif char == "\\":
                state = "value_escape"
            else:
                value += char
                if char not in WHITESPACE:
                    last_kept = len(value)
        elif state == "value_escape":
            state = "value"
            if char not in NEWLINES:
                value += char
                last_kept = len(value)
        elif state == "single_quote":
            if char == "'":
                state, last_kept = "pre_value", len(value)
            else:
                value += char
        elif state == "double_quote":
            if char == '"':
                state, last_kept = "pre_value", len(value)
            elif char == "\\":
                state = "double_quote_escape"
            else:
                value += char
        elif state == "double_quote_escape":
            state = "double_quote"
            if char in SHELL_NEED_ESCAPE:
                value += char
            elif char != "\n":
                value += "\\" + char
        elif state == "comment":
            if char == "\\":
                state = "comment_escape"
            elif char in NEWLINES:
                state = "pre_key"
        elif state == "comment_escape":
            state = "comment"  # systemd 252: an escaped newline continues the comment
    if state in {"pre_value", "value", "value_escape", "single_quote", "double_quote",
                 "double_quote_escape"}:
        if state == "value":
            value = value[:last_kept]
        push()
    return result
