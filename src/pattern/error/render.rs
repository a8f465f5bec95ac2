//! The caret rendering of an error: the source line, cut to fit the
//! screen, with `^` under the span. Parse errors, `check` and `lint` use it.

use crate::pattern::ast::Span;

/// Render `text` with `message`, a caret line under `span`, and a help line.
///
/// Multi-line text shows the line the span starts on. Tabs are shown as one
/// space so the caret lines up; a long line is cut to fit the screen around
/// the span ([`excerpt`]).
pub fn render_caret(
    text: &str,
    span: Span,
    message: &str,
    help: Option<&str>,
    origin: Option<&str>,
) -> String {
    let start = span.start.min(text.len());
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |p| p + 1);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find(['\n', '\r']))
        .map_or(text.len(), |p| start + p);
    let line_no = text
        .get(..line_start)
        .map_or(0, |t| t.matches('\n').count())
        + 1;
    let line = text.get(line_start..line_end).unwrap_or("");
    let col = text.get(line_start..start).map_or(0, |t| t.chars().count());
    let end = span.end.clamp(start, line_end.max(start));
    let width = text.get(start..end).map_or(0, |t| t.chars().count());
    let shown = excerpt(line, col, width);
    let gutter = " ".repeat(line_no.to_string().len());
    let mut out = format!("error: {message}\n");
    if let Some(origin) = origin {
        out.push_str(&format!("{gutter}--> {origin}:{line_no}:{}\n", col + 1));
    }
    out.push_str(&format!("{gutter} |\n"));
    out.push_str(&format!("{line_no} | {}\n", shown.line));
    out.push_str(&format!(
        "{gutter} | {}{}",
        " ".repeat(shown.indent),
        "^".repeat(shown.carets)
    ));
    if let Some(help) = help {
        out.push_str(&format!("\n{gutter} = help: {help}"));
    }
    out
}

/// The most characters of a source line a caret rendering shows, `...`
/// markers included. With a gutter of up to six digits the lines stay
/// within 80 columns.
const EXCERPT_WIDTH: usize = 72;

/// How much of the line around a span is kept when the span itself is too
/// wide to show whole: this many characters on each side.
const EXCERPT_CONTEXT: usize = 8;

/// What marks elided text.
const ELLIPSIS: &str = "...";

/// A source line as a caret rendering shows it, and where the carets go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Excerpt {
    /// The line, tabs and control characters shown as spaces, cut to at
    /// most [`EXCERPT_WIDTH`] characters with `...` where text was elided.
    pub line: String,
    /// How many characters of `line` come before the first caret.
    pub indent: usize,
    /// How many carets: the span's width, less what was elided (at least 1).
    pub carets: usize,
}

/// Fit `line` to the screen around the span that starts `col` characters
/// into it and is `width` characters wide (it may run one character past
/// the end, to point at the end of the line), as rustc does: a line that
/// fits is shown whole; otherwise a window around the span, with `...`
/// where the line is cut; a span too wide for the window shows its start
/// and its end with `...` between them, underlined throughout. Every caret
/// renderer (parse errors, `check`, `lint`) uses this.
pub(crate) fn excerpt(line: &str, col: usize, width: usize) -> Excerpt {
    let chars = Chars(
        line.chars()
            .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
            .collect(),
    );
    let n = chars.0.len();
    let start = col.min(n);
    let width = width.max(1);
    let end = (start + width).min(n + 1);
    if n <= EXCERPT_WIDTH {
        return Excerpt {
            line: chars.text(0, n),
            indent: start,
            carets: end - start,
        };
    }
    if end - start + 2 * (ELLIPSIS.len() + EXCERPT_CONTEXT) <= EXCERPT_WIDTH {
        window(&chars, start, end)
    } else {
        wide(&chars, start, end.min(n))
    }
}

/// A line as characters, control characters shown as spaces.
struct Chars(Vec<char>);

impl Chars {
    /// The characters `a..b`, clamped to the line.
    fn text(&self, a: usize, b: usize) -> String {
        let n = self.0.len();
        self.0
            .get(a.min(n)..b.clamp(a.min(n), n))
            .map_or_else(String::new, |s| s.iter().collect())
    }
}

/// A line longer than the screen whose span `start..end` fits with context:
/// the line's start, its end, or a window around the span.
fn window(chars: &Chars, start: usize, end: usize) -> Excerpt {
    let n = chars.0.len();
    let ell = ELLIPSIS.len();
    let span = end - start;
    let keep = EXCERPT_WIDTH - ell;
    if end + EXCERPT_CONTEXT <= keep {
        return Excerpt {
            line: format!("{}{ELLIPSIS}", chars.text(0, keep)),
            indent: start,
            carets: span,
        };
    }
    if start + keep >= n + EXCERPT_CONTEXT {
        let from = n - keep;
        return Excerpt {
            line: format!("{ELLIPSIS}{}", chars.text(from, n)),
            indent: ell + start - from,
            carets: span,
        };
    }
    let keep = EXCERPT_WIDTH - 2 * ell;
    let from = start.saturating_sub((keep - span) / 2).clamp(1, n - keep);
    Excerpt {
        line: format!("{ELLIPSIS}{}{ELLIPSIS}", chars.text(from, from + keep)),
        indent: ell + start - from,
        carets: span,
    }
}

/// A wide span `start..end` (`end` within the line): a little context on
/// each side and, if it still does not fit, its start and its end with the
/// middle elided.
fn wide(chars: &Chars, start: usize, end: usize) -> Excerpt {
    let n = chars.0.len();
    let ell = ELLIPSIS.len();
    let span = end - start;
    let (left_cut, left) = if start > EXCERPT_CONTEXT + ell {
        (ell, EXCERPT_CONTEXT)
    } else {
        (0, start)
    };
    let (right_cut, right) = if n - end > EXCERPT_CONTEXT + ell {
        (ell, EXCERPT_CONTEXT)
    } else {
        (0, n - end)
    };
    let room = EXCERPT_WIDTH - left_cut - left - right - right_cut;
    let mut out = String::new();
    if left_cut > 0 {
        out.push_str(ELLIPSIS);
    }
    let carets = if span <= room {
        out.push_str(&chars.text(start - left, end + right));
        span
    } else {
        let head = (room - ell).div_ceil(2);
        let tail = room - ell - head;
        out.push_str(&chars.text(start - left, start + head));
        out.push_str(ELLIPSIS);
        out.push_str(&chars.text(end - tail, end + right));
        room
    };
    if right_cut > 0 {
        out.push_str(ELLIPSIS);
    }
    Excerpt {
        line: out,
        indent: left_cut + left,
        carets: carets.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span() {
        let r = render_caret(
            "{ $.a == 1 }",
            Span::new(6, 8),
            "`==` is not an operator",
            Some("use `=`"),
            None,
        );
        assert_eq!(
            r,
            "error: `==` is not an operator\n  |\n1 | { $.a == 1 }\n  |       ^^\n  = help: use `=`"
        );
    }

    #[test]
    fn caret_on_second_line_and_at_end() {
        let r = render_caret(
            "{ $.a = 1\n&& }",
            Span::new(13, 14),
            "expected a condition",
            None,
            Some("pattern"),
        );
        assert!(r.contains("--> pattern:2:4"), "{r}");
        assert!(r.contains("2 | && }\n  |    ^"), "{r}");
        let r = render_caret("{ $.a", Span::new(5, 5), "unclosed", None, None);
        assert!(r.ends_with("1 | { $.a\n  |      ^"), "{r}");
    }

    /// A 300-character pattern: `{ $.f00 = "v00" && … }`, valid.
    fn long_pattern() -> String {
        let mut p = String::from("{ ");
        let mut i = 0;
        while p.len() < 260 {
            p.push_str(&format!("$.f{i:02} = \"v{i:02}\" && "));
            i += 1;
        }
        p.push_str(&format!(
            "$.last = \"{}\" }}",
            "z".repeat(300 - p.len() - 13)
        ));
        assert_eq!(p.chars().count(), 300);
        p
    }

    /// The source line and the caret line of a rendering.
    fn snippet(r: &str) -> (&str, &str) {
        let lines: Vec<&str> = r.lines().collect();
        let src = lines
            .iter()
            .find(|l| l.starts_with("1 | "))
            .copied()
            .unwrap();
        let carets = lines
            .iter()
            .rev()
            .find(|l| l.contains('^'))
            .copied()
            .unwrap();
        (&src[4..], &carets[4..])
    }

    /// The shown text under the carets.
    fn underlined<'a>(src: &'a str, carets: &str) -> &'a str {
        let from = carets.find('^').unwrap();
        let to = carets.rfind('^').unwrap() + 1;
        &src[from..to.min(src.len())]
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let p = long_pattern();
        let at = |needle: &str| p.find(needle).unwrap();
        let cases = [
            ("start", Span::new(0, 1), "{", "{ $.f00", false, true),
            (
                "middle",
                Span::new(at("$.f10"), at("$.f10") + 5),
                "$.f10",
                "...",
                true,
                true,
            ),
            ("end", Span::new(299, 300), "}", "\" }", true, false),
            ("at the end", Span::new(300, 300), "", "\" }", true, false),
        ];
        for (name, span, under, edge, cut_left, cut_right) in cases {
            let r = render_caret(&p, span, "m", None, Some("pattern"));
            let (src, carets) = snippet(&r);
            assert!(src.chars().count() <= EXCERPT_WIDTH, "{name}: {r}");
            assert_eq!(underlined(src, carets), under, "{name}: {r}");
            assert_eq!(src.starts_with("..."), cut_left, "{name}: {r}");
            assert_eq!(src.ends_with("..."), cut_right, "{name}: {r}");
            assert!(src.contains(edge), "{name}: {r}");
            // The real column is given, not the one on screen.
            assert!(
                r.contains(&format!("pattern:1:{}", span.start + 1)),
                "{name}: {r}"
            );
        }
    }

    #[test]
    fn a_wide_span_shows_its_start_and_its_end() {
        let p = long_pattern();
        // Most of the line: from the first condition to the last value.
        let span = Span::new(2, 298);
        let r = render_caret(&p, span, "m", None, None);
        let (src, carets) = snippet(&r);
        assert_eq!(src.chars().count(), EXCERPT_WIDTH, "{r}");
        let under = underlined(src, carets);
        assert!(under.starts_with("$.f00 = \"v00\""), "{r}");
        assert!(under.ends_with("zzz\""), "{r}");
        assert!(under.contains("..."), "{r}");
        assert!(carets.trim_start().chars().all(|c| c == '^'), "{r}");
        assert!(src.starts_with("{ $.f00"), "{r}");
        assert!(src.ends_with(" }"), "{r}");
        // The whole line underlined.
        let r = render_caret(&p, Span::new(0, 300), "m", None, None);
        let (src, carets) = snippet(&r);
        assert_eq!(underlined(src, carets), src, "{r}");
        assert!(src.starts_with("{ $.f00") && src.ends_with("z\" }"), "{r}");
        // A wide span in the middle of a longer line: cut on both sides too.
        let q = format!("{}{}", "x".repeat(200), p);
        let r = render_caret(&q, Span::new(220, 480), "m", None, None);
        let (src, carets) = snippet(&r);
        assert!(src.starts_with("...") && src.ends_with("..."), "{r}");
        assert_eq!(src.chars().count(), EXCERPT_WIDTH, "{r}");
        let under = underlined(src, carets);
        assert!(
            under.starts_with(&q[220..225]) && under.ends_with(&q[475..480]),
            "{r}"
        );
    }

    #[test]
    fn the_rendering_of_a_long_pattern() {
        let p = long_pattern();
        let at = p.find("$.f10 = \"v10\"").unwrap() + 6;
        let r = render_caret(
            &p,
            Span::new(at, at + 1),
            "`==` is not an operator",
            Some("use `=`"),
            Some("pattern"),
        );
        assert_eq!(
            r,
            "error: `==` is not an operator\n --> pattern:1:179\n  |\n1 | ...\"v08\" && $.f09 = \"v09\" && $.f10 = \"v10\" && $.f11 = \"v11\" && $.f12 ...\n  |                                    ^\n  = help: use `=`"
        );
    }

    #[test]
    fn excerpts_of_every_span_fit_and_underline_the_span() {
        // Every start and width on a 100-character line with multi-byte text.
        let line: String = (0..100)
            .map(|i| {
                if i % 7 == 0 {
                    'é'
                } else {
                    char::from(b'a' + (i % 26) as u8)
                }
            })
            .collect();
        let chars: Vec<char> = line.chars().collect();
        for start in 0..=100 {
            for width in 0..=(101 - start) {
                let e = excerpt(&line, start, width);
                let shown: Vec<char> = e.line.chars().collect();
                assert!(shown.len() <= EXCERPT_WIDTH, "{start}+{width}: {e:?}");
                assert!(
                    e.carets >= 1 && e.indent + e.carets <= shown.len() + 1,
                    "{start}+{width}: {e:?}"
                );
                let under: String = shown.iter().skip(e.indent).take(e.carets).collect();
                let want: String = chars.iter().skip(start).take(width.max(1)).collect();
                if under.contains("...") && !want.contains("...") {
                    let (h, t) = under.split_once("...").unwrap();
                    assert!(
                        want.starts_with(h) && want.ends_with(t),
                        "{start}+{width}: {e:?}"
                    );
                } else {
                    assert_eq!(under, want, "{start}+{width}: {e:?}");
                }
            }
        }
    }
}
