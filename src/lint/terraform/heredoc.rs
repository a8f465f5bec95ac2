//! Heredocs (`<<EOT`, `<<-EOT`): decoded from their source with a map
//! back to the file.

use super::*;

/// `value`, all mapped to the `len` file bytes at `at` of `file` (used when
/// the exact origin of each byte cannot be recovered).
pub(super) fn detached_at(value: &str, file: &TfFile<'_>, at: usize, len: usize) -> Text {
    let mut t = Text::new();
    t.push_from(value, file.id, file.base + at, len);
    t
}

/// Decode a heredoc from its source span (`<<EOT` … `EOT`): the lines
/// between the markers, with `$${`/`%%{` unescaped and, for `<<-`, the
/// smallest indentation of the non-blank lines removed.
pub(super) fn decode_heredoc(file: &TfFile<'_>, span: Range<usize>) -> Option<Text> {
    let raw = file.text.get(span.clone())?;
    let header_end = raw.find('\n')?;
    let header = raw.get(..header_end)?.trim_end_matches('\r');
    let indent_strip = header.starts_with("<<-");
    let delim = header
        .trim_start_matches("<<-")
        .trim_start_matches("<<")
        .trim();
    // Content lines: from after the header to the line holding the delimiter.
    let mut lines: Vec<(usize, &str)> = Vec::new(); // (offset in raw, line with its newline)
    let mut pos = header_end + 1;
    while pos < raw.len() {
        let rest = raw.get(pos..)?;
        let len = rest.find('\n').map_or(rest.len(), |p| p + 1);
        let line = rest.get(..len)?;
        if line.trim() == delim {
            break;
        }
        lines.push((pos, line));
        pos += len;
    }
    let strip = if indent_strip {
        lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let mut out = Text::new();
    for (off, line) in lines {
        let cut = strip.min(line.len() - line.trim_start_matches([' ', '\t']).len());
        let body = line.get(cut..)?;
        let at = file.base + span.start + off + cut;
        // Only `$${` and `%%{` are escapes in a heredoc.
        let mut i = 0;
        let mut run = 0;
        let b = body.as_bytes();
        while let Some(&c) = b.get(i) {
            if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
                out.push_verbatim(body.get(run..i)?, file.id, at + run);
                out.push_from(if c == b'$' { "${" } else { "%{" }, file.id, at + i, 3);
                i += 3;
                run = i;
            } else {
                i += 1;
            }
        }
        out.push_verbatim(body.get(run..)?, file.id, at + run);
    }
    Some(out)
}
