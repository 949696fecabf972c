# Turn one of storecheck's Markdown docs into man(7) text for a section of storecheck(1), so the
# man page carries the config reference as docs/config.md states it. Only what the docs use:
# headings (## .SS, deeper a bold line; the document's # title is left out), paragraphs, fenced
# code, "- " lists, tables (each row a tagged paragraph: the first cell, then the others under
# their column names) and inline `code`, **bold**, [text](link) (the text).
# Usage: awk -f md-to-man.awk docs/config.md   (POSIX awk: mawk and gawk)

# Characters troff would read as its own: the backslash, and a dot or quote starting a line.
function esc(s) {
    gsub(/\\/, "\\e", s)
    return s
}

function line_out(s) {
    if (s ~ /^[.']/)
        s = "\\&" s
    print s
}

# Toggle a font around each span between marks (` or **).
function spans(s, mark,    out, i, on) {
    out = ""
    on = 0
    while ((i = index(s, mark)) > 0) {
        out = out substr(s, 1, i - 1) (on ? "\\fR" : "\\fB")
        on = !on
        s = substr(s, i + length(mark))
    }
    return out s (on ? "\\fR" : "")
}

function inline(s,    seg, text) {
    s = esc(s)
    while (match(s, /\[[^\]]*\]\([^)]*\)/)) {
        seg = substr(s, RSTART, RLENGTH)
        text = substr(seg, 2, index(seg, "](") - 2)
        s = substr(s, 1, RSTART - 1) text substr(s, RSTART + RLENGTH)
    }
    return spans(spans(s, "**"), "`")
}

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

# The cells of a table row, in cells[1..n]; returns n.
function row(s, cells,    n, i) {
    s = trim(s)
    sub(/^\|/, "", s)
    sub(/\|$/, "", s)
    n = split(s, cells, "|")
    for (i = 1; i <= n; i++)
        cells[i] = trim(cells[i])
    return n
}

BEGIN { code = 0; header_n = 0 }

/^```/ {
    if (!code) {
        print ".PP"
        print ".RS 4"
        print ".nf"
    } else {
        print ".fi"
        print ".RE"
    }
    code = !code
    next
}

code { line_out(esc($0)); next }

/^\|/ {
    n = row($0, cells)
    if (!header_n) {
        header_n = n
        for (i = 1; i <= n; i++)
            header[i] = cells[i]
        next
    }
    if (cells[1] ~ /^:?-+:?$/)
        next
    print ".TP"
    line_out(inline(cells[1]))
    text = ""
    for (i = 2; i <= n; i++) {
        if (cells[i] == "")
            continue
        part = n == 2 ? cells[i] : header[i] ": " cells[i]
        text = text (text == "" ? "" : "; ") part
    }
    line_out(inline(text))
    next
}

{ header_n = 0 }

/^# / { next }

/^## / { sub(/^## /, ""); print ".SS \"" inline($0) "\""; next }

/^###+ / { sub(/^###+ /, ""); print ".PP"; line_out("\\fB" inline($0) "\\fR"); next }

/^[ \t]*$/ { print ".PP"; next }

/^[ \t]*- / { sub(/^[ \t]*- /, ""); print ".IP \\(bu 2"; line_out(inline($0)); next }

{ line_out(inline($0)) }
